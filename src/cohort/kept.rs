//! A progress document as the cohort reads it: what the figures use, borrowed from the stored text where it can be,
//! the rest (evidence, the grading ids, the trail's fingerprint) skipped as it is parsed. A real document is mostly
//! evidence and messages (about 15 KB); the figures need each check's verdict, points, trail and, for the one
//! failure per reason that becomes the reason's example, its message.

use std::borrow::Cow;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::i18n::{Locale, Message};
use crate::model::Status;
use crate::progress::{CheckProgress, Progress};

/// A progress document, kept as far as the figures read it.
#[derive(Deserialize)]
pub(super) struct Kept<'a> {
    #[serde(borrow)]
    pub learner: Text<'a>,
    #[serde(borrow)]
    pub lab: Text<'a>,
    #[serde(borrow)]
    pub checks: Pairs<Text<'a>, KeptCheck<'a>>,
    #[serde(borrow)]
    pub updated_at: Text<'a>,
}

/// One check's entry of a [`Kept`] document.
#[derive(Deserialize)]
pub(super) struct KeptCheck<'a> {
    pub status: Status,
    pub points: u32,
    /// Empty in an outline unless it failed.
    #[serde(default, borrow)]
    pub message: Text<'a>,
    #[serde(default, borrow)]
    pub message_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub message_source: Option<Source<'a>>,
    #[serde(default, borrow)]
    pub passed_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub trail: KeptTrail<'a>,
}

/// A check's [`crate::progress::Trail`] without its fingerprint.
#[derive(Default, Deserialize)]
pub(super) struct KeptTrail<'a> {
    #[serde(default, borrow)]
    pub first_judged_at: Option<Text<'a>>,
    #[serde(default)]
    pub judged: u32,
    #[serde(default)]
    pub judged_to_pass: Option<u32>,
    #[serde(default, borrow)]
    pub failures: Pairs<Text<'a>, u32>,
}

/// A JSON object's members in the order written: a map read once, front to back, needs no tree.
pub(super) struct Pairs<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Pairs<K, V> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Pairs<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<K, V> {
            type Value = Pairs<K, V>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// A string of a document: borrowed from its text unless it had to be unescaped.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A failure's message in no language yet: read only for the failure that becomes a reason's example.
pub(super) enum Source<'a> {
    /// As stored, not parsed yet.
    Stored(&'a RawValue),
    /// Already a message (a document read whole).
    Read(&'a Message),
}

impl<'de: 'a, 'a> Deserialize<'de> for Source<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(deserializer).map(Source::Stored)
    }
}

impl Source<'_> {
    /// The message, when it reads as one.
    fn message(&self) -> Option<Message> {
        match self {
            Source::Stored(raw) => serde_json::from_str(raw.get()).ok(),
            Source::Read(message) => Some((*message).clone()),
        }
    }
}

impl KeptCheck<'_> {
    /// Its message in `locale`: written again from its source when this labcheck knows it, else as it was kept (as
    /// [`CheckProgress::message_in`]).
    pub fn message_in(&self, locale: &Locale) -> String {
        let source = self.message_source.as_ref().and_then(Source::message);
        source.and_then(|source| source.render_kept(locale)).unwrap_or_else(|| self.message.to_string())
    }

    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }
}

impl<'a> Kept<'a> {
    /// `body`, a stored progress document.
    pub fn parse(body: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(body)
    }

    /// `progress`, a document read whole, seen as the cohort reads one.
    pub fn of(progress: &'a Progress) -> Self {
        let checks = Pairs(progress.checks.iter().map(|(id, check)| (borrowed(id), KeptCheck::of(check))).collect());
        Kept {
            learner: borrowed(&progress.learner),
            lab: borrowed(&progress.lab),
            checks,
            updated_at: borrowed(&progress.updated_at),
        }
    }

    /// Points of the checks passed.
    pub fn score(&self) -> u32 {
        self.checks.0.iter().filter(|(_, c)| c.passed()).map(|(_, c)| c.points).sum()
    }
}

impl<'a> KeptCheck<'a> {
    fn of(check: &'a CheckProgress) -> Self {
        let trail = &check.trail;
        KeptCheck {
            status: check.status,
            points: check.points,
            message: borrowed(&check.message),
            message_id: check.message_id.as_deref().map(borrowed),
            message_source: check.message_source.as_ref().map(Source::Read),
            passed_at: check.passed_at.as_deref().map(borrowed),
            trail: KeptTrail {
                first_judged_at: trail.first_judged_at.as_deref().map(borrowed),
                judged: trail.judged,
                judged_to_pass: trail.judged_to_pass,
                failures: Pairs(trail.failures.iter().map(|(id, n)| (borrowed(id), *n)).collect()),
            },
        }
    }
}

fn borrowed(text: &str) -> Text<'_> {
    Text(Cow::Borrowed(text))
}
