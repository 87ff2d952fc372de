//! The stores' plumbing: a SQLite file ([`sqlite`]) or a DynamoDB table ([`dynamodb`]), their connections,
//! schema and errors. Each domain (progress, sessions, lti, cohort, privacy) keeps its own queries against them
//! beside its port trait; the store module above them puts the domains' ports together.

#[cfg(feature = "aws")]
pub mod dynamodb;
pub mod sqlite;

#[cfg(feature = "aws")]
pub use dynamodb::DynamoStore;
pub use sqlite::SqliteStore;

/// Version of the stored documents (a grading, a progress). A store written by a newer labcheck is refused.
pub const STORE_SCHEMA_VERSION: u32 = 1;

/// Why the store cannot be used: one line, naming the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {store}: {message}")]
    Unusable { store: String, message: String },
    #[error("store {store} was written by a newer labcheck (schema {found}; this one reads {reads}): upgrade labcheck")]
    Newer { store: String, found: u32, reads: u32 },
    #[error("store {store}: {message}")]
    Failed { store: String, message: String },
}
