//! The plumbing under every provider, naming none: the session (config, credentials, clients by kind, the graded
//! account's id), HTTP transport and pacing, pages, errors, call counting and round trips, and the AWS operation
//! each call is.

mod operations;

pub use operations::{GET_CALLER_IDENTITY, Operation};

crate::with_aws! {
    mod clients;
    mod errors;
    pub mod http;
    pub(crate) mod pages;
    pub(crate) mod round_trips;
    mod session;
    mod stats;
    mod tolerant;

    pub use clients::{ClientCache, ClientSettings, MakeClient};
    pub(crate) use clients::{Keyed, has_code, instrumented, sdk_client, text};
    pub use errors::{classify_sdk_error, is_not_found};
    pub use session::{
        AwsSession, DEFAULT_INVOKE_URL_TEMPLATE, DEFAULT_PROBE_TIMEOUT, InvokeUrlTemplate, Pace, SessionError,
        SessionOptions, account_of_role, load_config, retry_config,
    };
    pub use stats::{CallCounter, StatsRecorder};
    pub use tolerant::TolerantJson;
}
