//! 窓口案内 content (`data/counter-reference.toml`): PIN rules, renewal and procedures by post.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub procedures_url: String,
    pub procedures_note: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Points {
    pub title: String,
    pub points: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Procedure {
    pub id: String,
    pub title: String,
    pub when: String,
    pub enclose: Vec<String>,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct CounterReference {
    pub contact: Contact,
    pub pin: Points,
    pub renewal: Points,
    #[serde(rename = "procedure")]
    pub procedures: Vec<Procedure>,
}

impl CounterReference {
    pub fn from_toml(s: &str) -> Result<Self, String> {
        let r: CounterReference = toml::from_str(s).map_err(|e| e.to_string())?;
        if r.procedures.is_empty() {
            return Err("手続き（[[procedure]]）が1件もありません".into());
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_reference_has_the_seed_facts() {
        let r =
            CounterReference::from_toml(include_str!("../../data/counter-reference.toml")).unwrap();
        assert_eq!(r.contact.phone, "03-6634-0904");
        assert!(r.pin.points.iter().any(|p| p.contains("15回")));
        assert!(r.pin.points.iter().any(|p| p.contains("Windows")));
        let ids: Vec<&str> = r.procedures.iter().map(|p| p.id.as_str()).collect();
        for id in [
            "pin_disclosure",
            "loss",
            "stop",
            "reissue",
            "contact_change",
        ] {
            assert!(ids.contains(&id), "{id}");
        }
        let contact = r
            .procedures
            .iter()
            .find(|p| p.id == "contact_change")
            .unwrap();
        assert!(contact.enclose.iter().any(|e| e.contains("住民票")));
    }
}
