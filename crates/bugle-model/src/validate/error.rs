//! What a failed validation reports: every [`Violation`], each with its
//! field path and the rule it broke.

use std::fmt;

/// One broken rule: where (`path`, e.g. `embeds[0].fields[3].value`) and
/// what ([`ViolationKind`], with the limit and the actual value).
///
/// Displays as `path: what`, e.g. `embeds[0].fields[3].value: 1100 chars, at most 1024`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The field path in the JSON body: keys joined by `.`, array indices in
    /// brackets. Empty for a rule about the whole body.
    pub path: String,
    /// The rule broken, with its limit and the actual value.
    pub kind: ViolationKind,
}

impl Violation {
    /// A violation at `path`.
    pub fn new(path: impl Into<String>, kind: ViolationKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.path, self.kind)
        }
    }
}

/// The rule a [`Violation`] broke. Lengths are in characters (Unicode scalar
/// values); counts are array items.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// Text longer than allowed: `1100 chars, at most 1024`.
    TooLong {
        /// The most characters allowed.
        max: usize,
        /// The characters given.
        actual: usize,
    },
    /// Text shorter than allowed: `0 chars, at least 1`.
    TooShort {
        /// The fewest characters allowed.
        min: usize,
        /// The characters given.
        actual: usize,
    },
    /// More items than allowed: `26 items, at most 25`.
    TooMany {
        /// The most items allowed.
        max: usize,
        /// The items given.
        actual: usize,
    },
    /// Fewer items than allowed: `0 items, at least 1`.
    TooFew {
        /// The fewest items allowed.
        min: usize,
        /// The items given.
        actual: usize,
    },
    /// The characters of several fields together over a shared cap (the
    /// 6000 across all embeds): `6001 chars in total, at most 6000`.
    TotalTooLong {
        /// The most characters allowed in total.
        max: usize,
        /// The characters given in total.
        actual: usize,
    },
    /// The bytes of the uploaded files over the request cap:
    /// `26214401 bytes of files, at most 26214400`.
    TooLarge {
        /// The most bytes allowed.
        max: u64,
        /// The bytes given.
        actual: u64,
    },
    /// One uploaded file over the per-file cap (10 MiB by default, see
    /// [`ValidationContext`](super::ValidationContext)):
    /// `10485761 bytes in one file, at most 10485760`.
    FileTooLarge {
        /// The most bytes allowed in one file.
        max: u64,
        /// The bytes of the file.
        actual: u64,
    },
    /// Components, nested ones included, over the Components V2 cap:
    /// `41 components counting nested ones, at most 40`.
    TooManyComponents {
        /// The most components allowed.
        max: usize,
        /// The components given.
        actual: usize,
    },
    /// A number outside its range: `21601, must be 0 to 21600`.
    OutOfRange {
        /// The smallest value allowed.
        min: i64,
        /// The largest value allowed.
        max: i64,
        /// The value given.
        actual: i64,
    },
    /// A number that must be one of a few values:
    /// `61, must be one of 60, 1440, 4320, 10080`.
    NotOneOf {
        /// The values allowed.
        allowed: &'static [i64],
        /// The value given.
        actual: i64,
    },
    /// A number larger than another field allows:
    /// `4, more than max_values (3)`.
    MoreThan {
        /// The value given.
        actual: i64,
        /// What it must not exceed, e.g. `max_values`.
        other: &'static str,
        /// That other value.
        other_value: i64,
    },
    /// A field that must be set in this case: `required on a link button`.
    Required {
        /// The case, e.g. `on a link button`.
        when: &'static str,
    },
    /// A field that must not be set in this case: `not allowed on a link button`.
    NotAllowed {
        /// The case, e.g. `on a link button`.
        when: &'static str,
    },
    /// Two fields that exclude each other:
    /// `cannot be set together with allowed_mentions.parse "users"`.
    Conflict {
        /// The other field (and value).
        with: String,
    },
    /// A value that must be unique in the message but is not:
    /// `"ack" is already used at components[0].components[0].custom_id`.
    Duplicate {
        /// The repeated value, shown quoted.
        value: String,
        /// Where it was first used.
        first: String,
    },
    /// Text containing a word Discord rejects: `must not contain "discord" (any case)`.
    ForbiddenWord {
        /// The word, in lower case.
        word: &'static str,
    },
    /// A name Discord reserves: `must not be "here" (any case)`.
    ReservedName {
        /// The reserved name, in lower case.
        name: &'static str,
    },
    /// Text not in the required form: `must start with attachment://`.
    BadFormat {
        /// The form required.
        expected: &'static str,
    },
    /// Flag bits this request cannot set: `bit 0x40 cannot be set here`.
    FlagsNotSettable {
        /// The offending bits.
        bits: u64,
    },
    /// A component type that cannot stand here:
    /// `a text display is not allowed here, expected an action row`.
    WrongComponent {
        /// The component found, e.g. `a text display`.
        found: String,
        /// What may stand here, e.g. `an action row`.
        expected: &'static str,
    },
    /// An action row mixing a select with other components:
    /// `a select must be alone in its action row, found 2 components`.
    SelectNotAlone {
        /// The components in the row.
        actual: usize,
    },
    /// Nothing to send: `empty message, set at least one of content, embeds, ...`.
    Empty {
        /// The fields of which one is needed.
        needs: &'static str,
    },
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max, actual } => write!(f, "{actual} chars, at most {max}"),
            Self::TooShort { min, actual } => write!(f, "{actual} chars, at least {min}"),
            Self::TooMany { max, actual } => write!(f, "{actual} items, at most {max}"),
            Self::TooFew { min, actual } => write!(f, "{actual} items, at least {min}"),
            Self::TotalTooLong { max, actual } => {
                write!(f, "{actual} chars in total, at most {max}")
            }
            Self::TooLarge { max, actual } => write!(f, "{actual} bytes of files, at most {max}"),
            Self::FileTooLarge { max, actual } => {
                write!(f, "{actual} bytes in one file, at most {max}")
            }
            Self::TooManyComponents { max, actual } => {
                write!(f, "{actual} components counting nested ones, at most {max}")
            }
            Self::OutOfRange { min, max, actual } => write!(f, "{actual}, must be {min} to {max}"),
            Self::NotOneOf { allowed, actual } => {
                write!(f, "{actual}, must be one of ")?;
                for (index, value) in allowed.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                Ok(())
            }
            Self::MoreThan {
                actual,
                other,
                other_value,
            } => write!(f, "{actual}, more than {other} ({other_value})"),
            Self::Required { when } => write!(f, "required {when}"),
            Self::NotAllowed { when } => write!(f, "not allowed {when}"),
            Self::Conflict { with } => write!(f, "cannot be set together with {with}"),
            Self::Duplicate { value, first } => write!(f, "{value:?} is already used at {first}"),
            Self::ForbiddenWord { word } => write!(f, "must not contain {word:?} (any case)"),
            Self::ReservedName { name } => write!(f, "must not be {name:?} (any case)"),
            Self::BadFormat { expected } => write!(f, "must {expected}"),
            Self::FlagsNotSettable { bits } => write!(f, "flag bits {bits:#x} cannot be set here"),
            Self::WrongComponent { found, expected } => {
                write!(f, "{found} is not allowed here, expected {expected}")
            }
            Self::SelectNotAlone { actual } => {
                write!(
                    f,
                    "a select must be alone in its action row, found {actual} components"
                )
            }
            Self::Empty { needs } => write!(f, "empty message, set at least one of {needs}"),
        }
    }
}

/// A request body that breaks Discord's limits, with every violation found
/// (not just the first).
///
/// Displays the violations joined by `; `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    /// An error holding `violations`; `None` if there are none.
    pub fn from_violations(violations: Vec<Violation>) -> Option<Self> {
        (!violations.is_empty()).then_some(Self { violations })
    }

    /// Every violation, in the order the body's fields were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations out.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// The violation at exactly `path`, if any.
    pub fn at(&self, path: &str) -> Option<&Violation> {
        self.violations
            .iter()
            .find(|violation| violation.path == path)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, violation) in self.violations.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}
