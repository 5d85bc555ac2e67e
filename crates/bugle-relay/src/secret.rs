//! Secrets in the config: read from an environment variable or a file,
//! never written in the TOML itself, and never printed.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

/// Where a secret comes from: `{ env = "NAME" }` or `{ file = "path" }`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The environment variable holding it.
    pub env: Option<String>,
    /// The file holding it (its first line, trimmed).
    pub file: Option<PathBuf>,
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names where the secret is, never the secret itself.
        f.debug_struct("SecretRef")
            .field("env", &self.env)
            .field("file", &self.file)
            .finish()
    }
}

impl SecretRef {
    /// A secret read from environment variable `name`.
    pub fn env(name: impl Into<String>) -> Self {
        Self {
            env: Some(name.into()),
            file: None,
        }
    }

    /// Reads the secret through `lookup` (the environment) or from its file.
    ///
    /// # Errors
    ///
    /// A sentence naming the variable or file (never the value) when it is
    /// unset, empty or unreadable, or when both or neither are given.
    pub fn load(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<SecretString, String> {
        match (&self.env, &self.file) {
            (Some(name), None) => match lookup(name) {
                Some(value) if !value.trim().is_empty() => {
                    Ok(SecretString::from(value.trim().to_owned()))
                }
                _ => Err(format!("environment variable {name} is not set or empty")),
            },
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let value = text.lines().next().unwrap_or_default().trim().to_owned();
                if value.is_empty() {
                    return Err(format!("{} is empty", path.display()));
                }
                Ok(SecretString::from(value))
            }
            _ => Err("give exactly one of `env` and `file`".to_owned()),
        }
    }
}
