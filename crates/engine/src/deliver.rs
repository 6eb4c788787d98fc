//! Delivery: claim due mails, send them through the transport, record each outcome — and hold
//! whatever the database cannot take yet, so that a database fault delays mail and never repeats
//! it.
//!
//! Three promises hold here. A mail the server accepted is recorded as sent, however long the
//! database refuses the write: the outcome stays in [`Held`] and is written again at every step
//! (and, if the engine stops before it lands, in the accepted-mail journal beside an SQLite file,
//! which the next start records). A claim this engine holds is never taken over while it lives:
//! the claim query skips the engine's own claims, and [`Engine::renew_claims`] keeps their leases
//! from running out for other engines. And at most `2 × connections` mails are with the transport
//! plus [`UNRECORDED_LIMIT`] accepted ones waiting for their record: the most a crash can repeat.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use store::ClaimedMail;
use tokio::task::JoinSet;

use crate::engine::{Engine, StepReport};
use crate::error::EngineError;

/// A mail and what its send came to (the mail without its bytes).
pub(crate) type Outcome = (ClaimedMail, Result<(), mail::SendError>);

/// Claimed mails this engine holds between steps, after a step stopped short.
#[derive(Debug, Default)]
pub(crate) struct Held {
    /// Outcomes the database has not taken yet, oldest first.
    pub unrecorded: Vec<Outcome>,
    /// Claimed, not yet handed to the transport (the step stopped on a database error).
    pub unsent: VecDeque<ClaimedMail>,
}

/// Accepted mails awaiting their record beyond which no new send starts: with the sends under
/// way, the most mails a crash can make the engine send again.
pub(crate) const UNRECORDED_LIMIT: usize = 50;

/// The longest a delivery outcome waits for others to be recorded with.
const RECORD_WAIT: Duration = Duration::from_millis(50);

/// A database call running beside the sends in `deliver_due`.
type InFlight<'a, T> = Option<Pin<Box<dyn Future<Output = T> + Send + 'a>>>;

/// Waits for the call in flight; only polled (by `select!`) while there is one.
async fn finish<T>(call: &mut InFlight<'_, T>) -> T {
    match call {
        Some(call) => call.await,
        None => std::future::pending().await,
    }
}

/// Sleeps until `at` (forever without one; `select!` only polls this with one).
async fn wait_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What one record call came to: counts, and the outcomes it could not write.
#[derive(Default)]
struct Recorded {
    sent: usize,
    deferred: usize,
    failed: usize,
    /// Not written (the database failed): back to [`Held::unrecorded`].
    left: Vec<Outcome>,
    error: Option<store::StoreError>,
}

impl Engine {
    /// Sends every mail due now. Three things overlap so that delivery runs at the transport's
    /// speed, not at the sum of the transport's and the database's: sends (twice as many handed to
    /// the transport as it has connections), claiming the next `mail_batch` while the current one
    /// is sent, and recording outcomes — every outcome that arrived while the previous record was
    /// written goes into the next one, in one statement.
    ///
    /// A database error stops claiming and sending; the sends under way finish, and every outcome
    /// the database could not take, like every mail claimed and not sent, stays held by the engine
    /// for the next step. A stop request starts no new send or claim and withdraws the sends the
    /// transport has not started; the mails not sent are released by `serve`.
    pub(crate) async fn deliver_due(&self, report: &mut StepReport) -> Result<(), EngineError> {
        // First what earlier steps could not record: until it lands nothing new is claimed.
        self.record_held(report).await?;
        let batch = usize::try_from(self.config.mail_batch).unwrap_or(usize::MAX).max(1);
        let parallel = self.transport.parallelism().max(1);
        let mut queue: VecDeque<ClaimedMail> = std::mem::take(&mut self.held().unsent);
        let mut sends: JoinSet<(ClaimedMail, Option<Result<(), mail::SendError>>)> = JoinSet::new();
        // What each send task carries, should the task itself fail.
        let mut sending: HashMap<tokio::task::Id, ClaimedMail> = HashMap::new();
        let mut claiming: InFlight<'_, Result<Vec<ClaimedMail>, store::StoreError>> = None;
        let mut recording: InFlight<'_, Recorded> = None;
        let mut recording_count = 0usize;
        let mut outcomes: Vec<Outcome> = Vec::new();
        let mut failure: Option<store::StoreError> = None;
        // The last claim came back short: nothing more is due now.
        let mut drained = false;
        // When the oldest outcome not yet being recorded arrived.
        let mut oldest_outcome: Option<tokio::time::Instant> = None;
        loop {
            let halted = self.stopping() || failure.is_some();
            // Twice the transport's parallelism: a connection that comes free (over SMTP, one that
            // is writing a message) has the next mail at hand instead of waiting for this loop.
            while sends.len() < 2 * parallel && !halted && outcomes.len() + recording_count < UNRECORDED_LIMIT {
                let Some(mut mail) = queue.pop_front() else { break };
                let (transport, stop) = (Arc::clone(&self.transport), Arc::clone(&self.stopping));
                let raw = std::mem::take(&mut mail.raw);
                let carried = mail.clone();
                let handle = sends.spawn(async move {
                    let outgoing =
                        mail::Outgoing { envelope_from: mail.envelope_from.clone(), to: mail.to_address.clone(), raw };
                    // Withdrawn when the engine stops before the transport started on it: it
                    // stays claimed, and is released on the way out.
                    let result = transport.send_unless_withdrawn(outgoing, &mail.key, &stop).await;
                    (mail, result)
                });
                sending.insert(handle.id(), carried);
            }
            // Claim the next batch as soon as this one is being sent, so that the transport never
            // waits for a claim: at most two batches wait under lease.
            if claiming.is_none() && !drained && !halted && queue.len() < batch {
                let now = self.clock.now();
                let worker = &self.config.worker;
                let lease = self.config.lease.num_seconds();
                claiming = Some(Box::pin(store::claim_mails(&self.store, now, batch as u64, worker, lease)));
            }
            // Record outcomes in batches (one statement and one commit each), but soon: a quarter
            // batch, or whatever is there once nothing else is on its way or the oldest has waited
            // `RECORD_WAIT` — an unrecorded delivery would be sent again after a crash.
            let nothing_coming = sends.is_empty() && (queue.is_empty() || halted);
            let record_now = outcomes.len() >= batch.div_ceil(4).min(UNRECORDED_LIMIT / 2)
                || nothing_coming
                || oldest_outcome.is_some_and(|at| at.elapsed() >= RECORD_WAIT);
            if recording.is_none() && !outcomes.is_empty() && record_now && failure.is_none() {
                oldest_outcome = None;
                let batch_of = std::mem::take(&mut outcomes);
                recording_count = batch_of.len();
                recording = Some(Box::pin(self.record_deliveries(batch_of)));
            }
            let idle = sends.is_empty() && claiming.is_none() && recording.is_none();
            if idle && (halted || (drained && queue.is_empty())) {
                break;
            }
            tokio::select! {
                Some(joined) = sends.join_next_with_id(), if !sends.is_empty() => {
                    let (mail, result) = match joined {
                        Ok((id, (mail, result))) => {
                            sending.remove(&id);
                            (mail, result)
                        }
                        // The task itself failed (a bug): the mail is retried like a failed send.
                        Err(e) => match sending.remove(&e.id()) {
                            Some(mail) => {
                                tracing::error!(key = %mail.key, error = %e, "a mail send task failed");
                                (mail, Some(Err(mail::SendError::transient(format!("the send task failed: {e}")))))
                            }
                            None => continue,
                        },
                    };
                    match result {
                        Some(result) => {
                            if result.is_ok() {
                                tracing::info!(key = %mail.key, to = %mail.to_address, message_id = %mail.message_id, attempt = mail.attempts + 1, resumed = mail.resumed, "mail sent");
                            }
                            oldest_outcome.get_or_insert_with(tokio::time::Instant::now);
                            outcomes.push((mail, result));
                        }
                        // Withdrawn: never sent, still claimed; released on the way out.
                        None => queue.push_back(mail),
                    }
                }
                claimed = finish(&mut claiming), if claiming.is_some() => {
                    claiming = None;
                    match claimed {
                        Ok(claimed) => {
                            drained = claimed.len() < batch;
                            self.holding.fetch_add(claimed.len(), Ordering::SeqCst);
                            queue.extend(claimed);
                        }
                        Err(e) => failure = failure.or(Some(e)),
                    }
                }
                () = wait_until(oldest_outcome.map(|at| at + RECORD_WAIT)), if recording.is_none() && oldest_outcome.is_some() => {}
                recorded = finish(&mut recording), if recording.is_some() => {
                    recording = None;
                    recording_count = 0;
                    report.mails_sent += recorded.sent;
                    report.mails_deferred += recorded.deferred;
                    report.mails_failed += recorded.failed;
                    if let Some(e) = recorded.error {
                        self.hold_unrecorded(recorded.left, &e);
                        failure = failure.or(Some(e));
                    }
                }
            }
        }
        // Outcomes that arrived after a failure, and mails claimed but not sent, stay with the engine.
        if let Some(e) = &failure {
            self.hold_unrecorded(std::mem::take(&mut outcomes), e);
        }
        self.held().unsent.extend(queue);
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// Keeps outcomes the database would not take, to write at the next step; says so once.
    fn hold_unrecorded(&self, outcomes: Vec<Outcome>, error: &store::StoreError) {
        if outcomes.is_empty() {
            return;
        }
        let accepted = outcomes.iter().filter(|(_, r)| r.is_ok()).count();
        tracing::warn!(
            accepted,
            others = outcomes.len() - accepted,
            %error,
            "the outcome of mails already sent cannot be recorded yet; the engine holds it and writes it when the database takes it (they will not be sent again)"
        );
        self.held().unrecorded.extend(outcomes);
    }

    /// Writes the outcomes held from earlier steps; an error leaves the rest held.
    async fn record_held(&self, report: &mut StepReport) -> Result<(), EngineError> {
        let held = std::mem::take(&mut self.held().unrecorded);
        if held.is_empty() {
            return Ok(());
        }
        let count = held.len();
        let recorded = self.record_deliveries(held).await;
        report.mails_sent += recorded.sent;
        report.mails_deferred += recorded.deferred;
        report.mails_failed += recorded.failed;
        match recorded.error {
            Some(e) => {
                self.held().unrecorded.extend(recorded.left);
                Err(e.into())
            }
            None => {
                tracing::info!(
                    mails = count,
                    "recorded the outcome of mails sent while the database could not be written"
                );
                Ok(())
            }
        }
    }

    /// Records delivery outcomes: every success in one statement, each failure on its own (rare,
    /// and each has its own retry time and error). A database error stops it: the outcomes not
    /// written come back in [`Recorded::left`].
    async fn record_deliveries(&self, outcomes: Vec<Outcome>) -> Recorded {
        let now = self.clock.now();
        let worker = &self.config.worker;
        let mut recorded = Recorded::default();
        let sent: Vec<i64> = outcomes.iter().filter(|(_, result)| result.is_ok()).map(|(mail, _)| mail.id).collect();
        if !sent.is_empty() {
            match store::mark_sent_many(&self.store, &sent, worker, now).await {
                Ok(changed) => {
                    if changed < sent.len() as u64 {
                        // The claim was taken over (this engine could not renew it for longer than
                        // the lease): the mail's new worker may send it again, with the same
                        // Message-ID.
                        tracing::warn!(
                            sent = sent.len(),
                            recorded = changed,
                            "some mails were recorded by another worker, or their claim was taken over"
                        );
                    }
                    recorded.sent += sent.len();
                    self.holding.fetch_sub(sent.len().min(self.holding.load(Ordering::SeqCst)), Ordering::SeqCst);
                }
                Err(e) => {
                    recorded.error = Some(e);
                    recorded.left = outcomes;
                    return recorded;
                }
            }
        }
        let mut rest = outcomes.into_iter().filter(|(_, result)| result.is_err()).collect::<VecDeque<_>>();
        while let Some((mail, result)) = rest.pop_front() {
            let Err(e) = &result else { continue };
            let attempts = mail.attempts + 1;
            let retry_at = if e.permanent { None } else { self.config.retry_after(attempts, now) };
            if let Err(error) = store::mark_failed(&self.store, mail.id, worker, &e.message, retry_at).await {
                recorded.error = Some(error);
                rest.push_front((mail, result));
                recorded.left = rest.into_iter().collect();
                return recorded;
            }
            self.holding.fetch_sub(1.min(self.holding.load(Ordering::SeqCst)), Ordering::SeqCst);
            match retry_at {
                Some(at) => {
                    recorded.deferred += 1;
                    tracing::warn!(key = %mail.key, to = %mail.to_address, error = %e.message, attempt = attempts, resumed = mail.resumed, retry_at = %at, "mail deferred");
                }
                None => {
                    recorded.failed += 1;
                    tracing::error!(key = %mail.key, to = %mail.to_address, error = %e.message, attempts, resumed = mail.resumed, "mail failed");
                }
            }
        }
        recorded
    }

    /// Renews this engine's claims every third of the lease while it holds any, forever: run beside
    /// the work that holds them. A failed renewal (the database is busy) is tried again at the next
    /// turn; on SQLite no other engine could take the claims anyway.
    pub(crate) async fn renew_claims_forever(&self) {
        let every = (self.config.lease / 3).to_std().unwrap_or(Duration::from_secs(1)).max(Duration::from_secs(1));
        loop {
            tokio::time::sleep(every).await;
            if self.holding.load(Ordering::SeqCst) == 0 && self.held_is_empty() {
                continue;
            }
            let (now, lease) = (self.clock.now(), self.config.lease.num_seconds());
            match store::renew_claims(&self.store, &self.config.worker, now, lease).await {
                Ok(renewed) => {
                    tracing::debug!(renewed, "claims renewed");
                    if renewed == 0 && self.held_is_empty() {
                        self.holding.store(0, Ordering::SeqCst);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "cannot renew the claims yet"),
            }
        }
    }

    fn held_is_empty(&self) -> bool {
        let held = self.held();
        held.unrecorded.is_empty() && held.unsent.is_empty()
    }

    /// On the way out: writes what is still held (trying for `patience`), releases the claims not
    /// sent, and returns the mails the server accepted whose outcome could still not be written.
    pub(crate) async fn settle_held(&self, patience: Duration) -> Vec<ClaimedMail> {
        let started = tokio::time::Instant::now();
        loop {
            let mut report = StepReport::default();
            match self.record_held(&mut report).await {
                Ok(()) => break,
                Err(e) if started.elapsed() >= patience => {
                    tracing::error!(error = %e, "stopping with mail outcomes the database would not take");
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
        let accepted: Vec<ClaimedMail> = std::mem::take(&mut self.held().unrecorded)
            .into_iter()
            .filter(|(_, result)| result.is_ok())
            .map(|(mail, _)| mail)
            .collect();
        self.held().unsent.clear();
        let keep: Vec<i64> = accepted.iter().map(|m| m.id).collect();
        match store::release_claims(&self.store, &self.config.worker, self.clock.now(), &keep).await {
            Ok(released) if released > 0 => tracing::info!(released, "released mail claims"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot release the mail claims; they are taken again when their lease runs out")
            }
        }
        accepted
    }
}

/// The accepted-mail journal: mails a server accepted whose outcome the database would not take
/// before the engine stopped, one `id key` per line, beside an SQLite database.
pub fn write_journal(path: &Path, accepted: &[ClaimedMail]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    for mail in accepted {
        writeln!(file, "{} {}", mail.id, mail.key)?;
    }
    file.sync_all()
}

/// The mail ids in the journal at `path` (none if it does not exist).
pub fn read_journal(path: &Path) -> std::io::Result<Vec<i64>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.lines().filter_map(|line| line.split_whitespace().next()?.parse().ok()).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_lists_the_ids_it_was_given() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("g.db.accepted");
        assert_eq!(read_journal(&path).expect("no journal yet"), Vec::<i64>::new());
        let mail = |id: i64| ClaimedMail {
            id,
            key: format!("k/{id}"),
            message_id: String::new(),
            envelope_from: String::new(),
            to_address: String::new(),
            raw: Vec::new(),
            attempts: 0,
            claims: 1,
            resumed: false,
        };
        write_journal(&path, &[mail(3), mail(9)]).expect("write");
        write_journal(&path, &[mail(11)]).expect("append");
        assert_eq!(read_journal(&path).expect("read"), vec![3, 9, 11]);
    }
}
