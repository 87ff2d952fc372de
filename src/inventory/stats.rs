//! Counting what a run sends: AWS operations (via an SDK interceptor, so every page and every call path is
//! counted) and HTTP probes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
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

    pub fn snapshot(&self, rounds: u32) -> Stats {
        let api_calls = self.calls.lock().expect("stats lock").clone();
        Stats {
            api_calls_total: api_calls.values().sum(),
            api_calls,
            api_requests: self.requests.load(Ordering::Relaxed),
            probes: self.probes.load(Ordering::Relaxed),
            rounds,
        }
    }
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
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.record_request();
        Ok(())
    }
}

/// The SDK's service names ("APIGateway", "STS") as IAM prefixes ("apigateway", "sts").
fn iam_service(sdk_name: &str) -> String {
    sdk_name.to_ascii_lowercase().replace(' ', "")
}
