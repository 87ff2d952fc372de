//! The learner's language: labcheck's own sentences as a message catalogue, lab authors' texts per language, and
//! picking a language from what the reader asked for.
//!
//! A validator never writes a sentence: it returns a [`Message`], an id and named arguments (the facts it embeds).
//! The report renders it in the grading's language from that language's [Fluent](https://projectfluent.org) file
//! (`src/i18n/<language>.ftl` for labcheck's own sentences, `src/providers/<service>/<language>.ftl` for each
//! service's validators'), where every sentence is whole, with its own word order, agreement and plurals. A
//! message missing from a catalogue is rendered from English. A new language is a new `.ftl` file in each of those
//! folders (build.rs gathers them into [`CATALOGUES`]); a test holds every catalogue, file by file, to the English
//! one's ids and arguments.

mod text;

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use serde::{Deserialize, Serialize};

pub use text::{RawText, Text, TextError};

/// A language, as a BCP 47 tag (`en`, `es`, `pt-BR`).
pub type Locale = unic_langid::LanguageIdentifier;

/// One file of a catalogue: labcheck's own sentences in a language, or one provider's.
#[derive(Debug)]
pub struct Source {
    /// From the repository's root: `src/i18n/es.ftl`, `src/providers/s3/es.ftl`.
    pub path: &'static str,
    pub text: &'static str,
}

// `CATALOGUES`, gathered by build.rs from `src/i18n/<tag>.ftl` and every `src/providers/**/<tag>.ftl`.
include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// English: labcheck's own language, and a lab's when it does not name one.
pub fn english() -> Locale {
    Locale::from_bytes(b"en").expect("`en` is a language tag")
}

/// A sentence of labcheck's, in no language yet: a catalogue id and the values it embeds. It is kept as it is
/// (with a learner's failure), so it can be written later in another reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    id: Cow<'static, str>,
    args: Vec<(Cow<'static, str>, Arg)>,
}

/// A value a [`Message`] embeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// Shown as it is: a name, an id, a path (facts from the account are never translated).
    Text(String),
    /// A number; the catalogue picks the plural form of a count.
    Number(f64),
    /// A sentence of its own, rendered in the same language.
    Message(Box<Message>),
    /// Items as the language lists them: "a, b and c".
    And(Vec<Arg>),
    /// Clauses one after another: "a; b".
    Clauses(Vec<Arg>),
}

/// Builds a [`Message`]: `msg!("rest-api-missing", name = api)`, or `msg!("id", name)` for a variable of that
/// name. Every value goes through `Arg::from`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::i18n::Message::new($id) $(.arg(stringify!($name), $crate::msg!(@value $name $(= $value)?)))*
    };
    (@value $name:ident = $value:expr) => { $value };
    (@value $name:ident) => { $name };
}
pub use msg;

impl Message {
    pub fn new(id: &'static str) -> Self {
        Self { id: Cow::Borrowed(id), args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((Cow::Borrowed(name), value.into()));
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The sentence in `locale` (in English where its catalogue lacks it).
    pub fn render(&self, locale: &Locale) -> String {
        CATALOGUE.render(self, CATALOGUE.bundle(locale))
    }

    /// A kept message in `locale`, or `None` when it (or a message it embeds) is in no catalogue of this
    /// labcheck: one kept by another version.
    pub fn render_kept(&self, locale: &Locale) -> Option<String> {
        self.known().then(|| self.render(locale))
    }

    fn known(&self) -> bool {
        fn arg_known(arg: &Arg) -> bool {
            match arg {
                Arg::Text(_) | Arg::Number(_) => true,
                Arg::Message(message) => message.known(),
                Arg::And(items) | Arg::Clauses(items) => items.iter().all(arg_known),
            }
        }
        CATALOGUE.bundles[0].has_message(&self.id) && self.args.iter().all(|(_, arg)| arg_known(arg))
    }
}

/// English, for logs and tests.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&english()))
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, text: &&str) -> bool {
        self.render(&english()).as_str() == *text
    }
}

/// Items as the language lists them: "a, b and c".
pub fn and<T: Into<Arg>>(items: impl IntoIterator<Item = T>) -> Arg {
    Arg::And(items.into_iter().map(Into::into).collect())
}

/// Clauses one after another: "a; b".
pub fn clauses<T: Into<Arg>>(items: impl IntoIterator<Item = T>) -> Arg {
    Arg::Clauses(items.into_iter().map(Into::into).collect())
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

/// Any borrowed value an `Arg` can be made of (`&String`, `&&str`, `&Message`).
impl<T: Clone + Into<Arg>> From<&T> for Arg {
    fn from(value: &T) -> Self {
        value.clone().into()
    }
}

impl From<Message> for Arg {
    fn from(value: Message) -> Self {
        Arg::Message(Box::new(value))
    }
}

macro_rules! number_args {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(value: $ty) -> Self {
                Arg::Number(value as f64)
            }
        }
    )*};
}
number_args!(usize, u16, u32, u64, i32, i64, f64);

type Bundle = FluentBundle<FluentResource>;

struct Catalogue {
    /// One bundle per entry of [`CATALOGUES`], in that order.
    bundles: Vec<Bundle>,
    locales: Vec<Locale>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::load);

impl Catalogue {
    fn load() -> Self {
        let mut bundles = Vec::new();
        let mut locales = Vec::new();
        for (tag, sources) in CATALOGUES {
            let locale: Locale = tag.parse().expect("catalogue tags are language tags");
            let mut bundle = Bundle::new_concurrent(vec![locale.clone()]);
            // Facts are shown as they are; every format already escapes bidi controls, so no isolation marks.
            bundle.set_use_isolating(false);
            for source in *sources {
                let resource = FluentResource::try_new(source.text.to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", source.path));
                bundle.add_resource(resource).unwrap_or_else(|errors| panic!("{}: {errors:?}", source.path));
            }
            bundles.push(bundle);
            locales.push(locale);
        }
        Self { bundles, locales }
    }

    fn bundle(&self, locale: &Locale) -> &Bundle {
        let english = &self.locales[0];
        let best = negotiate_languages(&[locale], &self.locales, Some(english), NegotiationStrategy::Lookup);
        let index = best.first().and_then(|best| self.locales.iter().position(|l| &l == best)).unwrap_or(0);
        &self.bundles[index]
    }

    fn render(&self, message: &Message, bundle: &Bundle) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &message.args {
            args.set(name.clone(), self.value(value, bundle));
        }
        self.sentence(bundle, &message.id, Some(&args))
    }

    fn value(&self, arg: &Arg, bundle: &Bundle) -> FluentValue<'static> {
        match arg {
            Arg::Text(text) => FluentValue::from(text.clone()),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Message(message) => FluentValue::from(self.render(message, bundle)),
            Arg::And(items) => FluentValue::from(self.list(items, bundle)),
            Arg::Clauses(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.plain(i, bundle)).collect();
                FluentValue::from(parts.join(&self.sentence(bundle, "clause-separator", None)))
            }
        }
    }

    /// "a, b and c" in the bundle's language.
    fn list(&self, items: &[Arg], bundle: &Bundle) -> String {
        let mut parts: Vec<String> = items.iter().map(|i| self.plain(i, bundle)).collect();
        let Some(last) = parts.pop() else { return String::new() };
        if parts.is_empty() {
            return last;
        }
        let mut args = FluentArgs::new();
        args.set("init", parts.join(&self.sentence(bundle, "list-separator", None)));
        args.set("last", last);
        self.sentence(bundle, "list-and", Some(&args))
    }

    fn plain(&self, arg: &Arg, bundle: &Bundle) -> String {
        match self.value(arg, bundle) {
            FluentValue::String(s) => s.into_owned(),
            FluentValue::Number(n) => n.as_string().into_owned(),
            FluentValue::Custom(_) | FluentValue::None | FluentValue::Error => String::new(),
        }
    }

    /// Message `id` of `bundle`, or of English when `bundle` lacks it.
    fn sentence(&self, bundle: &Bundle, id: &str, args: Option<&FluentArgs>) -> String {
        let (bundle, message) = match bundle.get_message(id) {
            Some(message) => (bundle, message),
            None => match self.bundles[0].get_message(id) {
                Some(message) => (&self.bundles[0], message),
                None => {
                    debug_assert!(false, "message `{id}` is in no catalogue");
                    return id.to_owned();
                }
            },
        };
        let Some(pattern) = message.value() else { return id.to_owned() };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        debug_assert!(errors.is_empty(), "message `{id}`: {errors:?}");
        text
    }
}

/// The best of `available` for a reader who asked for `requested` (best first), or `fallback`.
/// The closest of labcheck's own languages (its catalogues) to `requested`: for pages that belong to no lab yet.
pub fn catalogue_locale(requested: &[Locale]) -> Locale {
    let available: Vec<Locale> = CATALOGUES.iter().filter_map(|(tag, _)| tag.parse().ok()).collect();
    negotiate(requested, &available, &english())
}

pub fn negotiate(requested: &[Locale], available: &[Locale], fallback: &Locale) -> Locale {
    let best = negotiate_languages(requested, available, Some(fallback), NegotiationStrategy::Lookup);
    best.first().map_or_else(|| fallback.clone(), |l| (*l).clone())
}

/// A language tag as a user writes it (`es`, `pt-BR`, `pt_BR`).
pub fn parse_tag(tag: &str) -> Result<Locale, String> {
    let cleaned = tag.trim().replace('_', "-");
    if cleaned.is_empty() || cleaned.len() > 35 {
        return Err(format!("`{tag}` is not a language tag (like `es` or `pt-BR`)"));
    }
    cleaned.parse().map_err(|_| format!("`{tag}` is not a language tag (like `es` or `pt-BR`)"))
}

/// The languages of an HTTP `Accept-Language` header, most preferred first (`q=0` and `*` left out, malformed
/// entries skipped).
pub fn accept_language(header: &str) -> Vec<Locale> {
    let mut weighted: Vec<(u16, Locale)> = header
        .split(',')
        .take(32)
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let tag = parts.next()?.trim();
            let q =
                parts.find_map(|p| p.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            if tag == "*" || !(q > 0.0 && q <= 1.0) {
                return None;
            }
            Some(((q * 1000.0) as u16, tag.parse().ok()?))
        })
        .collect();
    weighted.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
    weighted.into_iter().map(|(_, l)| l).collect()
}

/// The language of a POSIX locale environment (`LC_ALL`, then `LC_MESSAGES`, then `LANG`; `es_ES.UTF-8` is
/// `es-ES`); none for `C`/`POSIX` or when unset.
pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Vec<Locale> {
    let Some(value) = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|name| var(name).filter(|v| !v.is_empty()))
    else {
        return Vec::new();
    };
    let tag = value.split(['.', '@']).next().unwrap_or_default();
    if tag == "C" || tag == "POSIX" {
        return Vec::new();
    }
    parse_tag(tag).into_iter().collect()
}

#[cfg(test)]
mod tests;
