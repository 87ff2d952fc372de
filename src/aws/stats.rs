//! Counting what a run sends: AWS operations (via an SDK interceptor, so every page and every call path is
//! counted) and HTTP probes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::model::Stats;

/// Shared counters of one run (across `--wait` rounds).
#[derive(Debug, Default)]
pub struct StatsRecorder {
    calls: Mutex<BTreeMap<String, u64>>,
    requests: AtomicU64,
    probes: AtomicU64,
    /// The deepest place a request had in its chain of round trips ([`super::round_trips`]).
    round_trips: AtomicU32,
}

impl StatsRecorder {
    pub fn record_call(&self, operation: String) {
        *self.calls.lock().expect("stats lock").entry(operation).or_default() += 1;
    }

    pub fn record_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_probe(&self) {
        self.probes.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was sent `depth` round trips deep.
    pub fn record_round_trip(&self, depth: u32) {
        self.round_trips.fetch_max(depth, Ordering::Relaxed);
    }

    pub fn snapshot(&self, rounds: u32) -> Stats {
        let api_calls = self.calls.lock().expect("stats lock").clone();
        Stats {
            api_calls_total: api_calls.values().sum(),
            api_calls,
            api_requests: self.requests.load(Ordering::Relaxed),
            probes: self.probes.load(Ordering::Relaxed),
            round_trips: self.round_trips.load(Ordering::Relaxed),
            rounds,
        }
    }
}

/// Where an attempt's request is in its chain of round trips.
#[derive(Debug, Clone, Copy)]
struct AttemptDepth(u32);

impl aws_smithy_types::config_bag::Storable for AttemptDepth {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

/// SDK interceptor that feeds a [`StatsRecorder`]: one call per operation execution (`service:Operation`,
/// service in lower case as in IAM), one request per attempt.
#[derive(Debug, Clone)]
pub struct CallCounter(pub Arc<StatsRecorder>);

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "labcheck::CallCounter"
    }

    // Once per execution, after the operation's config (with its Metadata) is in the bag; the client-level
    // `read_before_execution` runs before that.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let name = match cfg.load::<Metadata>() {
            Some(meta) => format!("{}:{}", iam_service(meta.service()), meta.name()),
            None => "unknown:unknown".to_owned(),
        };
        self.0.record_call(name);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.record_request();
        let depth = super::round_trips::sending();
        self.0.record_round_trip(depth);
        cfg.interceptor_state().store_put(AttemptDepth(depth));
        Ok(())
    }

    // After every attempt, answered or not: the next page or retry is one deeper.
    fn read_after_attempt(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(AttemptDepth(depth)) = cfg.load::<AttemptDepth>() {
            super::round_trips::answered(*depth);
        }
        Ok(())
    }
}

/// The SDK's service names ("APIGateway", "STS") as IAM prefixes ("apigateway", "sts").
fn iam_service(sdk_name: &str) -> String {
    sdk_name.to_ascii_lowercase().replace(' ', "")
}
