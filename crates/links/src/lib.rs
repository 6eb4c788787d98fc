//! Signed, short, self-contained tokens for the web front door: the link each unit (and each
//! leadership reader) receives by mail, SMS or WeChat, the session cookie its first visit exchanges
//! the link for, and the CSRF tokens of that session's forms. Pure: no IO, no clock (`now` is a
//! parameter), no randomness (the caller supplies the secret).
//!
//! This first part holds who a token speaks for: [`Subject`].

mod subject;

pub use subject::{MAX_READER_KEY_LEN, MAX_UNIT_ID_LEN, ReaderKey, Subject, SubjectError, UnitId};
