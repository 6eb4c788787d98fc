//! The web front door: units report their work from the link in their mail (the portal),
//! leadership watches completion (the dashboard), and scripts read the same data (the JSON API).
//! Server-rendered and mobile-first, usable in the WeChat in-app browser with JavaScript off;
//! JavaScript only refreshes the dashboard.
//!
//! No accounts: a unit's (or a leadership reader's) signed link is exchanged on its first visit
//! for a session cookie, and the browser is sent on to a clean address. Every request is checked
//! against the subject's link generation (a revoked link stops at once) and its scope (a unit sees
//! its own subtree, changes only its own tasks). GET never changes anything; every POST carries the
//! session's CSRF token.
//!
//! ```text
//! /l/{token}          the link: sets the session cookie, redirects to /
//! /                   a unit's tasks by run (portal), or a reader's dashboard
//! /t/{task id}        a task: its times, its figure form (POST: report it done, or correct it)
//! /t/{task id}/history    who did what, when, from where
//! /d                  the dashboard of the viewer's subtree (?run=campaign/key)
//! /d/live             the live part of the dashboard, for the refresh script
//! /r                  the talent book of the viewer's scope, masked (one-person-one-file)
//! /r/new              a person added to the unit's own book (POST)
//! /r/p/{id}           a person: masked, full in its own community after the PIN
//! /r/p/{id}/reveal    one field of a person outside the own book, with a reason (POST)
//! /r/p/{id}/followups a follow-up recorded (POST)
//! /r/p/{id}/erase     the person erased at their request, anonymised (POST; own book, unlocked)
//! /r/unlock           the unit's PIN: set on first use, then asked (POST: try it)
//! /r/pin-reset        the unit above clears a unit's PIN (POST)
//! /api/v1/…           JSON: runs, status, tasks, history (bearer: the link or session token)
//! /api/v1/registry/…  JSON: the books of the scope (masked) and their counts
//! /healthz            liveness
//! ```

mod api;
mod api_registry;
mod assets;
mod auth;
mod book;
mod cache;
mod config;
mod dashboard;
mod download;
mod error;
mod export;
mod guard;
mod history;
mod home;
mod i18n;
mod notice;
mod person;
mod portal;
mod registry;
mod render;
mod requests;
mod review;
mod server;
mod state;
mod stats;
mod suggestion;
mod unlock;
mod upload;
mod viewer;

pub use config::{CampaignInfo, Now, WebConfig};
pub use server::{BODY_LIMIT, bind, router, serve, serve_on};
pub use state::AppState;
