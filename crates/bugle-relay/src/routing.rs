//! Ordered rules that match a group's labels, Alertmanager style
//! (`name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`), to destinations.

use std::fmt;

use regex::Regex;

use crate::model::Labels;

/// How a matcher compares a label's value.
#[derive(Debug, Clone)]
enum Op {
    Equal(String),
    NotEqual(String),
    Matches(Regex),
    NotMatches(Regex),
}

/// One label matcher. A missing label matches as the empty string, as in
/// Alertmanager; regexes are anchored at both ends.
#[derive(Debug, Clone)]
pub struct Matcher {
    name: String,
    op: Op,
}

impl Matcher {
    /// Parses `name="value"`, `name!="value"`, `name=~"regex"` or
    /// `name!~"regex"` (the quotes are optional).
    ///
    /// # Errors
    ///
    /// A sentence saying what is wrong with `text`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let at = text
            .find(['=', '!'])
            .ok_or_else(|| format!("`{text}` has no operator (=, !=, =~ or !~)"))?;
        let name = text[..at].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{text}`: `{name}` is not a label name"));
        }
        let rest = &text[at..];
        let (op, value) = if let Some(value) = rest.strip_prefix("=~") {
            ("=~", value)
        } else if let Some(value) = rest.strip_prefix("!~") {
            ("!~", value)
        } else if let Some(value) = rest.strip_prefix("!=") {
            ("!=", value)
        } else if let Some(value) = rest.strip_prefix('=') {
            ("=", value)
        } else {
            return Err(format!("`{text}` has no operator (=, !=, =~ or !~)"));
        };
        let value = unquote(value.trim());
        let regex = |value: &str| {
            Regex::new(&format!("^(?:{value})$"))
                .map_err(|error| format!("`{text}`: invalid regex: {error}"))
        };
        let op = match op {
            "=~" => Op::Matches(regex(&value)?),
            "!~" => Op::NotMatches(regex(&value)?),
            "!=" => Op::NotEqual(value),
            _ => Op::Equal(value),
        };
        Ok(Self {
            name: name.to_owned(),
            op,
        })
    }

    /// Whether `labels` satisfy this matcher.
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.name).map_or("", String::as_str);
        match &self.op {
            Op::Equal(expected) => value == expected,
            Op::NotEqual(expected) => value != expected,
            Op::Matches(regex) => regex.is_match(value),
            Op::NotMatches(regex) => !regex.is_match(value),
        }
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.op {
            Op::Equal(value) => write!(f, "{}=\"{value}\"", self.name),
            Op::NotEqual(value) => write!(f, "{}!=\"{value}\"", self.name),
            Op::Matches(regex) => write!(f, "{}=~\"{}\"", self.name, inner(regex)),
            Op::NotMatches(regex) => write!(f, "{}!~\"{}\"", self.name, inner(regex)),
        }
    }
}

fn inner(regex: &Regex) -> &str {
    let text = regex.as_str();
    text.strip_prefix("^(?:")
        .and_then(|rest| rest.strip_suffix(")$"))
        .unwrap_or(text)
}

fn unquote(value: &str) -> String {
    let stripped = value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(value);
    stripped.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// A rule: its matchers (all must match), what it sends to, and whether
/// later rules are tried too.
#[derive(Debug, Clone)]
pub struct Rule<D> {
    /// The matchers; none matches everything.
    pub matchers: Vec<Matcher>,
    /// Where a match goes.
    pub destination: D,
    /// Whether later rules are tried after this one matched.
    pub continue_matching: bool,
}

/// The rules in order and the default destination for what none matches.
#[derive(Debug, Clone)]
pub struct Rules<D> {
    rules: Vec<Rule<D>>,
    default: D,
}

impl<D> Rules<D> {
    /// Rules tried in order, and the default.
    pub fn new(rules: Vec<Rule<D>>, default: D) -> Self {
        Self { rules, default }
    }

    /// The destinations `labels` go to: each matching rule's, in order,
    /// stopping after the first match without `continue`; the default when
    /// no rule matches.
    pub fn route(&self, labels: &Labels) -> Vec<&D> {
        let mut out = Vec::new();
        for rule in &self.rules {
            if rule.matchers.iter().all(|matcher| matcher.matches(labels)) {
                out.push(&rule.destination);
                if !rule.continue_matching {
                    break;
                }
            }
        }
        if out.is_empty() {
            out.push(&self.default);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn rule(matchers: &[&str], to: &'static str, cont: bool) -> Rule<&'static str> {
        Rule {
            matchers: matchers
                .iter()
                .map(|m| Matcher::parse(m).unwrap())
                .collect(),
            destination: to,
            continue_matching: cont,
        }
    }

    #[test]
    fn matchers_compare_like_alertmanager() {
        let l = labels(&[("severity", "critical"), ("team", "db")]);
        assert!(
            Matcher::parse(r#"severity="critical""#)
                .unwrap()
                .matches(&l)
        );
        assert!(
            !Matcher::parse(r#"severity!="critical""#)
                .unwrap()
                .matches(&l)
        );
        assert!(Matcher::parse(r#"team=~"db|infra""#).unwrap().matches(&l));
        // Anchored: "d" does not match "db".
        assert!(!Matcher::parse(r#"team=~"d""#).unwrap().matches(&l));
        assert!(Matcher::parse(r#"team!~"web.*""#).unwrap().matches(&l));
        // A missing label is the empty string.
        assert!(Matcher::parse(r#"region="""#).unwrap().matches(&l));
        assert!(Matcher::parse("team=db").unwrap().matches(&l));
    }

    #[test]
    fn bad_matchers_are_refused_with_the_reason() {
        assert!(
            Matcher::parse("severity")
                .unwrap_err()
                .contains("no operator")
        );
        assert!(
            Matcher::parse(r#"team=~"(""#)
                .unwrap_err()
                .contains("invalid regex")
        );
        assert!(
            Matcher::parse(r#"bad name="x""#)
                .unwrap_err()
                .contains("not a label name")
        );
    }

    #[test]
    fn the_first_match_wins_unless_it_continues() {
        let rules = Rules::new(
            vec![
                rule(&[r#"severity="critical""#], "pager", true),
                rule(&[r#"team=~"db|infra""#], "db", false),
                rule(&[], "catch-all", false),
            ],
            "default",
        );
        let critical_db = labels(&[("severity", "critical"), ("team", "db")]);
        assert_eq!(rules.route(&critical_db), [&"pager", &"db"]);
        let warning_web = labels(&[("severity", "warning"), ("team", "web")]);
        assert_eq!(rules.route(&warning_web), [&"catch-all"]);
    }

    #[test]
    fn the_default_takes_what_no_rule_matches() {
        let rules = Rules::new(vec![rule(&[r#"team="db""#], "db", false)], "default");
        assert_eq!(rules.route(&labels(&[("team", "web")])), [&"default"]);
    }
}
