//! The syntax of every id and name a caller gives (a step, an account's role, a region, a language, a learner, a
//! lab, a grading), checked before anything uses it, with errors of one line naming the field; and new random ids.

/// Whose account a grading reads and in which language its learner reads: what a grading request, a session
/// request, an LMS launch and a learner session each carry, with its one check.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountRef {
    /// The role assumed to read the account; `None` grades the service's own account (if it allows that).
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub region: Option<String>,
    /// The learner's language (`es`, `pt-BR`); else the reader's `Accept-Language`.
    pub lang: Option<String>,
}

impl AccountRef {
    /// Checks each field that is there; the error is one line naming the field.
    pub fn check(&self) -> Result<(), String> {
        if let Some(arn) = self.role_arn.as_deref().filter(|arn| !valid_role_arn(arn)) {
            return Err(format!(
                "role_arn: {} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)",
                shown(arn)
            ));
        }
        if self.external_id.as_deref().is_some_and(|id| !valid_external_id(id)) {
            return Err("external_id: 2 to 1224 characters of letters, digits and +=,.@:/-_".into());
        }
        if let Some(region) = self.region.as_deref().filter(|region| !valid_region(region)) {
            return Err(format!("region: {} is not an AWS region (e.g. us-east-1)", shown(region)));
        }
        if let Some(lang) = self.lang.as_deref().filter(|lang| !valid_language_tag(lang)) {
            return Err(format!("lang: {} is not a language tag (e.g. es or pt-BR)", shown(lang)));
        }
        Ok(())
    }
}

/// A value quoted for an error message: at most 64 characters, escaped.
pub fn shown(value: &str) -> String {
    let cut: String = value.chars().take(64).collect();
    let ellipsis = if value.chars().count() > 64 { "…" } else { "" };
    format!("{cut:?}{ellipsis}")
}

/// A step id as a request names it: 1 to 128 of letters, digits and `- _ .`.
pub fn valid_step_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A language tag as written (`es`, `pt-BR`, `zh-Hant-TW`): letters, digits and `-` or `_` only, no padding, and one
/// the language parser takes.
pub fn valid_language_tag(tag: &str) -> bool {
    tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) && crate::i18n::parse_tag(tag).is_ok()
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`, `us-isob-east-1`: a two-letter
/// area, one to three words, and a number of one or two digits.
pub fn valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let (Some((number, words)), true) = (parts.split_last(), (3..=5).contains(&parts.len())) else {
        return false;
    };
    let area = words[0];
    region.len() <= 25
        && area.len() == 2
        && words.iter().all(|w| (2..=10).contains(&w.len()) && w.chars().all(|c| c.is_ascii_lowercase()))
        && (1..=2).contains(&number.len())
        && number.chars().all(|c| c.is_ascii_digit())
}

/// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
fn valid_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let name_ok = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c);
    *arn_prefix == "arn"
        && partition.starts_with("aws")
        && *service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && resource.strip_prefix("role/").is_some_and(|r| !r.is_empty() && r.chars().all(name_ok))
        && arn.len() <= 2048
}

fn valid_external_id(id: &str) -> bool {
    (2..=1224).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c))
}

/// A learner id as a platform sends it: 1 to 128 of letters, digits and `. _ @ + : -` (an email, a user id).
pub fn check_learner(learner: &str) -> Result<(), String> {
    let valid = (1..=128).contains(&learner.len())
        && learner.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '+' | ':' | '-'));
    if valid {
        Ok(())
    } else {
        let shown: String = learner.chars().take(64).flat_map(char::escape_debug).collect();
        Err(format!("learner `{shown}` must be 1 to 128 of letters, digits and . _ @ + : -"))
    }
}

/// A grading id as the progress domain makes them (`g` + time + random) (checked before any store is asked).
pub fn check_grading_id(id: &str) -> Result<(), String> {
    let valid = id.len() == 30
        && id.starts_with('g')
        && id[1..].chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && id.as_bytes()[13] == b'-';
    if valid {
        Ok(())
    } else {
        Err(format!("`{}` is not a grading id (like g019a8c4e2f1b-4be1d2c3a4b5c6d7)", id.escape_debug()))
    }
}

/// A lab id as a forget names it (a lab no longer served included): the lab format's rule, at most 128 long.
pub fn check_lab_id(id: &str) -> Result<(), String> {
    let fits = id.len() <= 128 && valid_id(id);
    fits.then_some(()).ok_or_else(|| "not a lab id (e.g. apigw-items)".to_owned())
}

/// An id of a lab, a step or a check: letters, digits, `-`, `_` and `.`, starting with a letter or a digit.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

// New random ids and token digests, made where accounts are read (the system's generator, through aws-lc).
crate::with_aws! {
    /// `bytes` random bytes from the system's generator, in hex.
    pub fn random_hex(bytes: usize) -> String {
        use aws_lc_rs::rand::SecureRandom;
        let mut buffer = vec![0u8; bytes];
        aws_lc_rs::rand::SystemRandom::new().fill(&mut buffer).expect("the system's random generator works");
        hex(&buffer)
    }

    /// Hex SHA-256 of a token.
    pub fn digest_hex(token: &str) -> String {
        hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes()).as_ref())
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_look_like_regions() {
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-7", "us-isob-east-1"] {
            assert!(valid_region(ok), "{ok}");
        }
        for bad in ["", "us-east", "US-EAST-1", "us_east_1", "us-east-1a", "-east-1", "us-east-1\n"] {
            assert!(!valid_region(bad), "{bad:?}");
        }
        // Before: anything of the shape words-number passed.
        for absurd in ["zzzz-east-1", "us-east-99999999", "a-b-1", "us-x-y-z-w-v-1", "us-eastttttttttttttt-1"] {
            assert!(!valid_region(absurd), "{absurd:?}");
        }
    }
}
