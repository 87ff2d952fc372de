//! Lambda's validators: the function behind the API (its versions, aliases, integration, permission, role and environment), and its clean-up.

pub mod cleanup;
pub mod lambda;
