//! A lab author's text in one or more languages: `hint = "..."` or `hint = { en = "...", es = "..." }`.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{Locale, parse_tag};

/// A text of a lab file, in the lab's language and any translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// In the lab's language.
    default: String,
    translations: Vec<(Locale, String)>,
}

/// Why a lab's text cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("has no text in the lab's language `{0}` (every translated text needs one: it is the fallback)")]
    NoDefault(Locale),
    #[error("{0}")]
    BadTag(String),
}

impl Text {
    /// A text in one language.
    pub fn plain(text: impl Into<String>) -> Self {
        Self { default: text.into(), translations: Vec::new() }
    }

    /// The text as written in a lab file, for a lab in `language`.
    pub fn from_raw(raw: RawText, language: &Locale) -> Result<Self, TextError> {
        match raw {
            RawText::Plain(text) => Ok(Self::plain(text)),
            RawText::ByLanguage(by_tag) => {
                let mut default = None;
                let mut translations = Vec::new();
                for (tag, text) in by_tag {
                    let locale = parse_tag(&tag).map_err(TextError::BadTag)?;
                    if &locale == language {
                        default = Some(text);
                    } else {
                        translations.push((locale, text));
                    }
                }
                let default = default.ok_or_else(|| TextError::NoDefault(language.clone()))?;
                Ok(Self { default, translations })
            }
        }
    }

    /// The text in `locale`: its translation to that language (`es-MX` takes `es`), else the lab's language.
    pub fn get(&self, locale: &Locale) -> &str {
        let exact = self.translations.iter().find(|(l, _)| l == locale);
        let same_language = || self.translations.iter().find(|(l, _)| l.language == locale.language);
        exact.or_else(same_language).map_or(&self.default, |(_, text)| text)
    }

    /// The text in the lab's own language.
    pub fn default_text(&self) -> &str {
        &self.default
    }

    /// The languages it is translated to (besides the lab's).
    pub fn translated_to(&self) -> impl Iterator<Item = &Locale> {
        self.translations.iter().map(|(l, _)| l)
    }

    /// Each language's text rewritten by `f` (vars substituted).
    pub fn map(self, mut f: impl FnMut(&str) -> String) -> Self {
        Self {
            default: f(&self.default),
            translations: self.translations.into_iter().map(|(l, t)| (l, f(&t))).collect(),
        }
    }
}

/// A text as a lab file writes it: a string, or a table of strings by language tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawText {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl<'de> serde::Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawTextVisitor;

        impl<'de> Visitor<'de> for RawTextVisitor {
            type Value = RawText;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, or a table of strings by language (`{ en = \"...\", es = \"...\" }`)")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<RawText, E> {
                Ok(RawText::Plain(text))
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawText, M::Error> {
                let mut by_tag = BTreeMap::new();
                while let Some((tag, text)) = map.next_entry::<String, String>()? {
                    if by_tag.insert(tag.clone(), text).is_some() {
                        return Err(de::Error::custom(format!("language `{tag}` is given twice")));
                    }
                }
                if by_tag.is_empty() {
                    return Err(de::Error::custom("a table of texts by language needs at least one language"));
                }
                Ok(RawText::ByLanguage(by_tag))
            }
        }

        deserializer.deserialize_any(RawTextVisitor)
    }
}
