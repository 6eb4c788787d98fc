//! A small in-process cache of values that many requests ask for alike (the dashboard's data of a
//! run and scope): each value is kept with the stamp it was computed at and served while the
//! caller's current stamp is the same; a new stamp recomputes it once, while the other requests
//! for that key wait for the result instead of asking the database the same question in parallel.
//! Bounded: at most `cap` keys, the least recently used one dropped first.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// One key's value and the stamp it was computed at, behind a lock held while computing.
type Slot<S, V> = Arc<tokio::sync::Mutex<Option<(S, Arc<V>)>>>;

pub(crate) struct StampedCache<K, S, V> {
    cap: usize,
    slots: Mutex<Slots<K, S, V>>,
}

struct Slots<K, S, V> {
    /// Each key's slot and when it was last used (`tick`).
    map: HashMap<K, (u64, Slot<S, V>)>,
    tick: u64,
}

impl<K: Eq + Hash + Clone, S: Eq + Clone, V> StampedCache<K, S, V> {
    pub(crate) fn new(cap: usize) -> Self {
        StampedCache { cap: cap.max(1), slots: Mutex::new(Slots { map: HashMap::new(), tick: 0 }) }
    }

    fn slot(&self, key: &K) -> Slot<S, V> {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slots.tick += 1;
        let tick = slots.tick;
        if let Some((used, slot)) = slots.map.get_mut(key) {
            *used = tick;
            return slot.clone();
        }
        if slots.map.len() >= self.cap {
            let oldest = slots.map.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                slots.map.remove(&oldest);
            }
        }
        let slot: Slot<S, V> = Arc::default();
        slots.map.insert(key.clone(), (tick, slot.clone()));
        slot
    }

    /// The value of `key` computed at `stamp`: the kept one if it was, else `compute`'s (kept when
    /// it succeeds; an error is returned and nothing is kept).
    pub(crate) async fn get_or_compute<E, F, Fut>(&self, key: &K, stamp: &S, compute: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let slot = self.slot(key);
        let mut kept = slot.lock().await;
        if let Some((at, value)) = kept.as_ref()
            && at == stamp
        {
            return Ok(value.clone());
        }
        let value = Arc::new(compute().await?);
        *kept = Some((stamp.clone(), value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(f)
    }

    #[test]
    fn a_value_is_kept_while_its_stamp_holds_and_recomputed_once_it_changed() {
        run(async {
            let cache: StampedCache<&str, i64, String> = StampedCache::new(4);
            let mut computed = 0;
            for (stamp, expected) in [(1, "1"), (1, "1"), (2, "2"), (2, "2")] {
                let got = cache
                    .get_or_compute(&"d", &stamp, || {
                        computed += 1;
                        async move { Ok::<_, ()>(stamp.to_string()) }
                    })
                    .await
                    .expect("a value");
                assert_eq!(*got, expected);
            }
            assert_eq!(computed, 2);
            let failed = cache.get_or_compute(&"d", &3, || async { Err::<String, _>("the database failed") }).await;
            assert!(failed.is_err());
            let kept = cache.get_or_compute(&"d", &2, || async { Err::<String, _>("not asked") }).await;
            assert_eq!(kept.as_deref().map(String::as_str), Ok("2"), "a failure keeps nothing");
        });
    }

    #[test]
    fn at_most_cap_keys_are_kept_the_least_recently_used_dropped_first() {
        run(async {
            let cache: StampedCache<u32, u32, u32> = StampedCache::new(2);
            for key in [1, 2, 1, 3] {
                cache.get_or_compute(&key, &0, || async move { Ok::<_, ()>(key) }).await.expect("a value");
            }
            let kept: Vec<u32> = {
                let slots = cache.slots.lock().expect("the lock");
                let mut keys: Vec<u32> = slots.map.keys().copied().collect();
                keys.sort_unstable();
                keys
            };
            assert_eq!(kept, [1, 3], "2 was the least recently used");
        });
    }
}
