//! Integration tests for guiyan live in the test targets of this crate.
