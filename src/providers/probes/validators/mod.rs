//! The probes' validators: requests to the deployed stages, judged as a client meets them.

pub mod probes;
