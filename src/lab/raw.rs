//! The lab file's shapes as written (TOML), before checking: what `deny_unknown_fields` holds to the format.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::i18n::RawText;

use super::Accepted;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLab {
    pub(super) lab: RawMeta,
    #[serde(default)]
    pub(super) vars: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) steps: Vec<RawStep>,
    #[serde(default)]
    pub(super) mutate: RawMutate,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMutate {
    #[serde(default)]
    pub(super) accept: Vec<Spanned<Accepted>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<RawText>,
    #[serde(default)]
    pub(super) description: Option<Spanned<RawText>>,
    #[serde(default)]
    pub(super) language: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<RawText>,
    #[serde(default)]
    pub(super) undoes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) checks: Vec<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheck {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<RawText>,
    pub(super) validator: Spanned<String>,
    #[serde(default = "one")]
    pub(super) points: u32,
    pub(super) hint: Spanned<RawText>,
    #[serde(default)]
    pub(super) description: Option<Spanned<RawText>>,
    #[serde(default)]
    pub(super) needs: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) recall: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub(super) params: Option<Spanned<toml::Table>>,
}

pub(super) fn one() -> u32 {
    1
}
