//! The data of a component interaction: which button or select, and the
//! values chosen.

use serde::Deserialize;

use crate::component::ComponentType;

use super::ResolvedData;

/// A component interaction's `data`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ComponentData {
    /// The `custom_id` the app gave the component.
    pub custom_id: String,
    /// The component's type (button, one of the selects).
    pub component_type: ComponentType,
    /// The values chosen in a select (empty for a button).
    #[serde(default)]
    pub values: Vec<String>,
    /// The users, roles and channels an entity select chose.
    #[serde(default)]
    pub resolved: Option<ResolvedData>,
}
