//! labcheck: grades the state of an AWS account against a hands-on cloud lab.
//!
//! Flow of one run: a lab file ([`lab`]) names checks; each check is a validator ([`validators`]) with params;
//! the [`engine`] asks an inventory ([`inventory`]) for the facts ([`facts`]) the checks need, reading each AWS
//! collection at most once, evaluates the validators on them, and builds a [`model::Report`] that a reporter
//! ([`report`]) formats.

pub mod cli;
pub mod cohort;
pub mod commands;
pub mod emulators;
pub mod engine;
pub mod facts;
pub mod files;
pub mod grading;
pub mod i18n;
pub mod inventory;
pub mod lab;
pub mod lti;
pub mod model;
pub mod mutate;
pub mod policy;
pub mod privacy;
pub mod progress;
pub mod providers;
pub mod report;
pub mod service;
pub mod sessions;
pub mod snapshot;
pub mod validators;

/// `text` on one line: every run of whitespace (newlines included) made one space, for one-line errors.
pub fn one_line(text: impl std::fmt::Display) -> String {
    text.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}
