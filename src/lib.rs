//! labcheck: grades the state of an AWS account against a hands-on cloud lab.
//!
//! Flow of one run: a lab file ([`lab`]) names checks; each check is a validator ([`validators`]) with params;
//! the [`engine`] asks an inventory ([`inventory`]) for the facts ([`facts`]) the checks need, reading each AWS
//! collection at most once, evaluates the validators on them, and builds a [`model::Report`] that a reporter
//! ([`report`]) formats.

/// Items that exist only with the `aws` feature (reading accounts, and the service, stores and analyses built on it).
macro_rules! with_aws {
    ($($item:item)*) => { $(#[cfg(feature = "aws")] $item)* };
}
pub(crate) use with_aws;

pub mod aws;
pub mod cli;
pub mod commands;
pub mod emulators;
pub mod engine;
pub mod facts;
pub mod files;
pub mod grading;
pub mod i18n;
pub mod ids;
pub mod inventory;
pub mod lab;
pub mod model;
pub mod policy;
pub mod providers;
pub mod report;
pub mod snapshot;
pub mod validators;

with_aws! {
    pub mod clock;
    pub mod cohort;
    pub mod db;
    pub mod lti;
    pub mod mutate;
    pub mod privacy;
    pub mod progress;
    pub mod service;
    pub mod sessions;
    pub mod store;
}

/// `text` on one line: every run of whitespace (newlines included) made one space, for one-line errors.
pub fn one_line(text: impl std::fmt::Display) -> String {
    text.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}
