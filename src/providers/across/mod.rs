//! What several services' validators judge together, below each of them: the function behind an API method (API
//! Gateway and Lambda), and a role in its context (IAM, reached from a named role or from the function behind an
//! API).

pub(crate) mod behind_api;
pub mod roles;
