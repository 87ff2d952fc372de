//! What several commands share on their command line: the learner's language, colour, the report format, the
//! store, how to reach the account.

use clap::{Args, ValueEnum};

/// `--format`'s values: the names in the one list of formats, with their summaries for `--help`.
pub fn format_names() -> clap::builder::PossibleValuesParser {
    let values = crate::report::FORMATS.iter().map(|f| clap::builder::PossibleValue::new(f.name()).help(f.summary()));
    clap::builder::PossibleValuesParser::new(values)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// How much the command logs on stderr.
#[derive(Debug, Args)]
pub struct Verbosity {
    /// More log output on stderr (-v info, -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The learner's language.
#[derive(Debug, Args)]
pub struct LangArg {
    /// Language of titles, hints and messages, e.g. es or pt-BR (the lab's own where it has no translation)
    /// [default: from LC_ALL, LC_MESSAGES or LANG]
    #[arg(long, value_name = "TAG", value_parser = crate::i18n::parse_tag)]
    pub lang: Option<crate::i18n::Locale>,
}

impl LangArg {
    /// The languages asked for, best first: `--lang`, else the POSIX locale environment.
    pub fn requested(&self) -> Vec<crate::i18n::Locale> {
        match &self.lang {
            Some(lang) => vec![lang.clone()],
            None => crate::i18n::from_environment(|name| std::env::var(name).ok()),
        }
    }
}

#[cfg(feature = "aws")]
/// Where learners' progress and gradings are kept.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store: a SQLite file (`sqlite:PATH` or a path) or a DynamoDB table (`dynamodb:TABLE`, reached through
    /// the standard AWS chain) [default: $XDG_DATA_HOME/labcheck/progress.sqlite, else
    /// ~/.local/share/labcheck/progress.sqlite]
    #[arg(long, env = "LABCHECK_STORE", value_name = "STORE")]
    pub store: Option<crate::store::StoreSpec>,
}

#[cfg(feature = "aws")]
impl StoreArgs {
    /// The store asked for, or the user's default one.
    pub fn spec(&self) -> Result<crate::store::StoreSpec, String> {
        match &self.store {
            Some(spec) => Ok(spec.clone()),
            None => crate::store::StoreSpec::default_for_user(|name| std::env::var(name).ok())
                .ok_or_else(|| "no HOME or XDG_DATA_HOME for the default store: give --store".to_owned()),
        }
    }
}

#[cfg(feature = "aws")]
/// How to reach the account.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS profile (SSO and credential_process profiles work); its credentials win over keys in the environment.
    /// Default: the standard chain (AWS_ACCESS_KEY_ID, then AWS_PROFILE or `default`).
    #[arg(long)]
    pub profile: Option<String>,

    /// AWS region. Default: AWS_REGION or the profile's region.
    #[arg(long)]
    pub region: Option<String>,

    /// Invoke URL of a stage for probes, with {api_id}, {stage} and optionally {region}.
    #[arg(
        long,
        env = "LABCHECK_INVOKE_URL_TEMPLATE",
        value_name = "URL",
        default_value = crate::aws::DEFAULT_INVOKE_URL_TEMPLATE
    )]
    pub invoke_url_template: String,
}

#[cfg(feature = "aws")]
pub(crate) fn learner_name(name: &str) -> Result<String, String> {
    crate::ids::check_learner(name).map(|()| name.to_owned())
}
