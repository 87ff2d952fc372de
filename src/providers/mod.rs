//! Providers: one folder per AWS service, and one for the HTTP probes of deployed stages. Each owns
//!
//! - its fact types and its part of [`Facts`] (and so of a snapshot),
//! - its reads ([`Provider::Read`]: what a validator may ask of it),
//! - how it reads them (its SDK client, calls, pagination, conversion into facts),
//! - the AWS operations it calls with their IAM permissions ([`Provider::OPERATIONS`]),
//! - the names `facts_query` knows its collections by ([`Provider::parse_fact_name`]),
//! - what AWS always returns in them and which fields name another resource ([`Provider::INVARIANTS`],
//!   [`Provider::REFERENCES`]), for mutation analysis,
//! - its validators (`<service>/validators/`, one file per family, each a [`Validator`]) and their sentences
//!   (`<service>/en.ftl`, `es.ftl`).
//!
//! Below the services: what a validator is ([`Validator`], [`Judged`]) and what several services judge together
//! ([`across`]). The registry of validators (`crate::validators`) and the catalogue of sentences (`crate::i18n`,
//! gathered by build.rs) name them from above.
//!
//! The core knows a provider through [`Provider`] and one line of the `providers!` list at the end of this file,
//! which makes the [`Read`] and [`Facts`] types and the per-round readers. A session makes a provider's client
//! from the provider itself ([`crate::aws::MakeClient`]). Every match
//! over reads is exhaustive: a new kind of read that some code forgets does not compile.

pub mod across;
pub mod apigateway;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
mod invariants;
mod judged;
pub mod lambda;
pub mod probes;
#[cfg(feature = "aws")]
mod reading;
pub mod s3;
#[cfg(test)]
pub(crate) mod testing;
mod validator;

#[cfg(feature = "aws")]
pub use reading::{Reading, RoundReader};

use std::fmt;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::aws::Operation;
pub use invariants::{Invariant, Never, field_matches};
pub use judged::{Change, Judged};
pub(crate) use validator::validator;
pub use validator::{ParamDoc, Validator};
crate::with_aws! {
    use std::sync::Arc;

    use futures::future::BoxFuture;

    use crate::aws::AwsSession;
}

/// What the core needs of a provider: its facts, and what it reads them with (its [`Reading`], with the `aws`
/// feature).
pub trait Provider {
    /// What a validator may ask it to read.
    type Read: ReadKind + Clone + fmt::Debug + PartialEq + Eq + PartialOrd + Ord + Hash + Send + Sync;
    /// What it read: its part of [`Facts`] and of a snapshot (flattened into them, so its field names are the
    /// collections' names there).
    type Facts: Clone + Default + fmt::Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync;

    /// The AWS operations it may call, with the IAM permission each needs.
    const OPERATIONS: &'static [Operation];
    /// The `facts_query` names of its collections, as shown to lab authors (`resources:API`).
    const FACT_NAMES: &'static [&'static str];

    /// What AWS always returns or sets in these facts (the API reference's rules): mutants never break them.
    const INVARIANTS: &'static [Invariant];
    /// The fields that name another resource (`usage_plans[].api_stages[].api_id`): mutants also break them on
    /// their side only.
    const REFERENCES: &'static [&'static str];

    /// Adds facts read by another part of the same round (later reads of the same key win).
    fn merge(into: &mut Self::Facts, other: Self::Facts);
    /// The read a `facts_query` name stands for (`resources` with `Some("ItemsAPI")`), or `None` when the name is
    /// not one of this provider's.
    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Self::Read, String>>;
}

/// What the core needs to know of one read without knowing its provider.
pub trait ReadKind {
    /// The collection it fills: its key in [`Facts`], in snapshots and in `facts_query` data.
    fn collection(&self) -> &'static str;
    /// Whether that collection is keyed (by API id, plan id, function name ...) rather than one list.
    fn keyed(&self) -> bool;
    /// The reads it makes first to find what to read (the REST API list, to find the API named for resources).
    fn resolved_through(&self) -> Vec<Read>;
    /// The AWS operations it calls itself (not those of [`ReadKind::resolved_through`]): what a least-privilege
    /// policy for a lab must allow.
    fn operations(&self) -> Vec<Operation>;
}

/// Makes, from the one list of providers: [`Read`] (a read of any provider), [`Facts`] (every provider's facts, one
/// document), [`Readers`] (one round's state), and the lists of operations and `facts_query` names.
macro_rules! providers {
    ($($variant:ident => $module:ident :: $provider:ident),* $(,)?) => {
        /// A read a validator declares: a collection (or probe) of one provider that it judges.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Read {
            $($variant(<$module::$provider as Provider>::Read),)*
        }

        $(impl From<<$module::$provider as Provider>::Read> for Read {
            fn from(read: <$module::$provider as Provider>::Read) -> Self {
                Read::$variant(read)
            }
        })*

        impl Read {
            /// What the core may know of it.
            pub fn kind(&self) -> &dyn ReadKind {
                match self {
                    $(Read::$variant(read) => read,)*
                }
            }
        }

        /// Everything one grading read, by provider. `None`/absent collections were not asked for. Serialized flat:
        /// each provider's collections are keys of one object (the `facts` of a snapshot).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct Facts {
            $(#[serde(flatten)]
            pub $module: <$module::$provider as Provider>::Facts,)*
        }

        impl Facts {
            /// Merges facts read by another part of the same round (later reads of the same key win).
            pub fn merge(&mut self, other: Facts) {
                $(<$module::$provider as Provider>::merge(&mut self.$module, other.$module);)*
            }

            /// These facts cut down to what regrading them needs, to be kept as evidence
            /// ([`Reading::for_evidence`]).
            #[cfg(feature = "aws")]
            pub fn for_evidence(mut self) -> Facts {
                $(<$module::$provider as Reading>::for_evidence(&mut self.$module);)*
                self
            }
        }

        $crate::with_aws! {
            /// One round's state of every provider.
            pub struct Readers {
                $(pub $module: <$module::$provider as Reading>::Reader,)*
            }

            impl Readers {
                pub fn new(session: &Arc<AwsSession>, plan: &[Read]) -> Self {
                    Self { $($module: <<$module::$provider as Reading>::Reader as RoundReader>::new(session, plan),)* }
                }

                /// Reads `read` through its provider (which may read through the others of the round).
                pub fn read<'a>(&'a self, read: &'a Read) -> BoxFuture<'a, Facts> {
                    match read {
                        $(Read::$variant(read) => Box::pin(self.$module.read(read, self)),)*
                    }
                }
            }
        }

        /// Every AWS operation the providers may call.
        pub fn operations() -> Vec<Operation> {
            let mut all = Vec::new();
            $(all.extend_from_slice(<$module::$provider as Provider>::OPERATIONS);)*
            all
        }

        /// The values an AWS API allows for `field` of `collection`, when the field is one of an enum's.
        #[cfg(feature = "aws")]
        pub fn enum_values(collection: &str, field: &str) -> Option<&'static [&'static str]> {
            let all = [$(<$module::$provider as Reading>::ENUM_FIELDS,)*];
            all.into_iter().flatten().find(|(c, f, _)| *c == collection && *f == field).map(|(_, _, values)| *values)
        }

        /// Every provider's invariants.
        pub fn invariants() -> Vec<&'static Invariant> {
            let all = [$(<$module::$provider as Provider>::INVARIANTS,)*];
            all.into_iter().flatten().collect()
        }

        /// Every provider's references.
        pub fn references() -> Vec<&'static str> {
            let all = [$(<$module::$provider as Provider>::REFERENCES,)*];
            all.into_iter().flatten().copied().collect()
        }

        /// Every `facts_query` name, as shown to lab authors.
        pub fn fact_names() -> Vec<&'static str> {
            let mut all = Vec::new();
            $(all.extend_from_slice(<$module::$provider as Provider>::FACT_NAMES);)*
            all
        }

        /// The read a `facts_query` name (`usage_plans`, `resources:ItemsAPI`) stands for.
        pub fn parse_fact_name(name: &str) -> Result<Read, String> {
            let (kind, argument) = match name.split_once(':') {
                Some((kind, argument)) => (kind, Some(argument)),
                None => (name, None),
            };
            $(if let Some(read) = <$module::$provider as Provider>::parse_fact_name(kind, argument) {
                return read.map(Read::from);
            })*
            Err(format!("unknown fact `{name}` (one of: {})", fact_names().join(", ")))
        }
    };
}

providers! {
    ApiGateway => apigateway::ApiGateway,
    Lambda => lambda::Lambda,
    Probes => probes::Probes,
    DynamoDb => dynamodb::DynamoDb,
    Iam => iam::Iam,
    S3 => s3::S3,
    Ec2 => ec2::Ec2,
}
