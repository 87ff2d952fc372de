//! What a validator is: a configured check, a pure function from the facts and its params to a verdict, with what
//! it reads and what it judges. Each provider's validators (`<service>/validators/`) implement it; the registry
//! (`crate::validators`) names them all.

use std::fmt;

use super::{Facts, Judged, Read};
use crate::facts::FactError;
use crate::model::Verdict;

/// A configured check (a validator with its params).
pub trait Validator: fmt::Debug + Send + Sync {
    /// The facts this check reads. Everything `evaluate` touches must be covered.
    fn reads(&self) -> Vec<Read>;

    /// Judges the facts. `Err` means a needed fact could not be read: the check is `error`, never `pass`.
    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError>;

    /// What of the facts it judges (not what it only finds things by): a mutant that fails it counts as its own
    /// kill only when it changes one of these.
    fn judges(&self) -> Vec<Judged>;

    /// Refuses params that deserialize but cannot be judged (one line naming the param), when the lab is loaded.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// One param of a validator, as its struct declares it: what the validators reference lists.
#[derive(Debug)]
pub struct ParamDoc {
    /// The key in the check's `params` table.
    pub name: &'static str,
    /// The field's doc comment.
    pub doc: &'static str,
    /// The field's Rust type, as written (`Option<String>`).
    pub rust_type: &'static str,
    /// The field's `#[serde(...)]` attributes, as written.
    pub serde: &'static str,
}

impl ParamDoc {
    /// A lab entry may leave it out: an `Option`, or a serde default.
    pub fn optional(&self) -> bool {
        self.rust_type.starts_with("Option") || self.serde.contains("default")
    }

    /// The doc comment on one line.
    pub fn text(&self) -> String {
        self.doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

/// Declares a validator's params struct (serde, unknown fields denied) and keeps its doc comment as `DOC`, so the
/// text `labcheck validators` prints is the doc comment itself.
macro_rules! validator {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $( $(#[doc = $param_doc:literal])* $(#[serde $serde:tt])* pub $param:ident : $param_type:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[doc = $param_doc])* $(#[serde $serde])* pub $param: $param_type ),* }

        impl $name {
            pub const DOC: &'static str = concat!($($doc, "\n"),*);
            pub const PARAMS: &'static [$crate::providers::ParamDoc] = &[$(
                $crate::providers::ParamDoc {
                    name: stringify!($param),
                    doc: concat!("" $(, $param_doc, "\n")*),
                    rust_type: stringify!($param_type),
                    serde: concat!("" $(, stringify!($serde))*),
                }
            ),*];
        }
    };
}
pub(crate) use validator;
