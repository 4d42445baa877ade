//! Identity documents accepted at the desk (本人確認書類), from `data/id-documents.toml`.
//!
//! The rule: one document from list A, or two different documents from list B.
//!
//! **Document numbers are never recorded** — only the document *type* (its `id`) and that it
//! was checked. Never read or store a 個人番号 (My Number).

use serde::Deserialize;

/// Which list a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdList {
    /// One document is enough.
    A,
    /// Two different documents are needed.
    B,
}

impl IdList {
    /// `A欄` / `B欄`.
    pub fn label(self) -> &'static str {
        match self {
            IdList::A => "A欄",
            IdList::B => "B欄",
        }
    }
}

/// One accepted document type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    /// Stable identifier, the only thing stored in a record.
    pub id: String,
    /// Japanese name shown to the officer.
    pub label: String,
    pub list: IdList,
    /// The document has an expiry date: the officer must check it is unexpired.
    pub has_expiry: bool,
    /// The document carries a photo: the photo is compared with the person when it is used.
    pub photo: bool,
}

/// A document that must always be seen, besides the identity documents (e.g. 医師免許証（原本）).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredDocument {
    /// Stable identifier, recorded with the identity documents (never a number).
    pub id: String,
    pub label: String,
}

/// The loaded list of accepted documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocuments {
    rule: String,
    note: String,
    documents: Vec<IdDocument>,
    required: Vec<RequiredDocument>,
}

/// A problem in `data/id-documents.toml`. Display is Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdDocsError {
    #[error("本人確認書類の一覧（id-documents.toml）を読めません: {0}")]
    Toml(String),
    #[error("本人確認書類の一覧: A欄の書類が1件もありません")]
    NoListA,
    #[error("本人確認書類の一覧: B欄の書類が1件だけです（B欄は2点で確認するため2件以上必要です）")]
    TooFewListB,
    #[error("本人確認書類「{id}」: 欄（list）は A または B です: 「{value}」")]
    BadList { id: String, value: String },
    #[error("本人確認書類「{id}」: 項目「{field}」がありません")]
    MissingField { id: String, field: &'static str },
    #[error("本人確認書類のIDが重複しています: 「{0}」")]
    DuplicateId(String),
}

/// Why the documents checked at the desk are not enough. Display is Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCheckError {
    #[error("A欄の書類1点、またはB欄の書類2点が必要です")]
    NotEnough,
    #[error("不明な本人確認書類です: 「{0}」")]
    Unknown(String),
    #[error("{0}を確認してください")]
    MissingRequired(String),
}

#[derive(Deserialize)]
struct IdDocsFile {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    document: Vec<RawDocument>,
    #[serde(default)]
    required: Vec<RawRequired>,
}

#[derive(Deserialize)]
struct RawRequired {
    id: String,
    #[serde(default)]
    label: String,
}

#[derive(Deserialize)]
struct RawDocument {
    id: String,
    #[serde(default)]
    label: String,
    list: String,
    #[serde(default)]
    has_expiry: bool,
    /// Default: true on list A (photo ID), false on list B.
    photo: Option<bool>,
}

const DEFAULT_RULE: &str = "A欄の書類1点、またはB欄の書類2点を確認してください";

/// A document entry's trimmed id, refusing an entry without an id or a label.
fn id_with_label(id: &str, label: &str) -> Result<String, IdDocsError> {
    let id = id.trim().to_string();
    if id.is_empty() {
        return Err(IdDocsError::MissingField {
            id: "（IDなし）".into(),
            field: "id",
        });
    }
    if label.trim().is_empty() {
        return Err(IdDocsError::MissingField { id, field: "label" });
    }
    Ok(id)
}

impl IdDocuments {
    /// Load the list from the text of `id-documents.toml`.
    pub fn from_toml(s: &str) -> Result<IdDocuments, IdDocsError> {
        let file: IdDocsFile = toml::from_str(s).map_err(|e| IdDocsError::Toml(e.to_string()))?;
        let mut documents: Vec<IdDocument> = Vec::with_capacity(file.document.len());
        for raw in file.document {
            let id = id_with_label(&raw.id, &raw.label)?;
            let list = match raw.list.trim() {
                "A" | "a" => IdList::A,
                "B" | "b" => IdList::B,
                other => {
                    return Err(IdDocsError::BadList {
                        id,
                        value: other.to_string(),
                    });
                }
            };
            if documents.iter().any(|d| d.id == id) {
                return Err(IdDocsError::DuplicateId(id));
            }
            documents.push(IdDocument {
                id,
                label: raw.label.trim().to_string(),
                list,
                has_expiry: raw.has_expiry,
                photo: raw.photo.unwrap_or(list == IdList::A),
            });
        }
        let mut required: Vec<RequiredDocument> = Vec::with_capacity(file.required.len());
        for raw in file.required {
            let id = id_with_label(&raw.id, &raw.label)?;
            if documents.iter().any(|d| d.id == id) || required.iter().any(|d| d.id == id) {
                return Err(IdDocsError::DuplicateId(id));
            }
            required.push(RequiredDocument {
                id,
                label: raw.label.trim().to_string(),
            });
        }
        if !documents.iter().any(|d| d.list == IdList::A) {
            return Err(IdDocsError::NoListA);
        }
        if documents.iter().filter(|d| d.list == IdList::B).count() == 1 {
            return Err(IdDocsError::TooFewListB);
        }
        let rule = match file.rule.trim() {
            "" => DEFAULT_RULE.to_string(),
            text => text.to_string(),
        };
        Ok(IdDocuments {
            rule,
            note: file.note.trim().to_string(),
            documents,
            required,
        })
    }

    /// The rule text shown in the UI.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The note shown in the UI (e.g. that numbers are never recorded).
    pub fn note(&self) -> &str {
        &self.note
    }

    /// The documents that must always be seen (e.g. 医師免許証（原本）), in file order.
    pub fn required(&self) -> &[RequiredDocument] {
        &self.required
    }

    /// Whether the photo check applies: a document with a photo is among the selection.
    pub fn needs_photo(&self, selected_ids: &[&str]) -> bool {
        selected_ids
            .iter()
            .any(|id| self.find(id).is_some_and(|d| d.photo))
    }

    /// The required documents not seen, given a flag per [`required`](Self::required) entry.
    pub fn missing_required(&self, seen: &[bool]) -> Result<(), IdCheckError> {
        match self
            .required
            .iter()
            .enumerate()
            .find(|(i, _)| !seen.get(*i).copied().unwrap_or(false))
        {
            Some((_, r)) => Err(IdCheckError::MissingRequired(r.label.clone())),
            None => Ok(()),
        }
    }

    /// All documents in file order.
    pub fn all(&self) -> &[IdDocument] {
        &self.documents
    }

    /// The documents of one list, in file order.
    pub fn in_list(&self, list: IdList) -> impl Iterator<Item = &IdDocument> {
        self.documents.iter().filter(move |d| d.list == list)
    }

    /// The label of a document or required document id (for summaries), if known.
    pub fn label_of(&self, id: &str) -> Option<&str> {
        self.find(id).map(|d| d.label.as_str()).or_else(|| {
            self.required
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.label.as_str())
        })
    }

    /// The document with this id.
    pub fn find(&self, id: &str) -> Option<&IdDocument> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// OK when the selection holds at least one list-A document or at least two different
    /// list-B documents. Unknown ids are an error; a repeated id counts once.
    pub fn check(&self, selected_ids: &[&str]) -> Result<(), IdCheckError> {
        let mut b_seen: Vec<&str> = Vec::new();
        let mut has_a = false;
        for id in selected_ids {
            let doc = self
                .find(id)
                .ok_or_else(|| IdCheckError::Unknown((*id).to_string()))?;
            match doc.list {
                IdList::A => has_a = true,
                IdList::B => {
                    if !b_seen.contains(&doc.id.as_str()) {
                        b_seen.push(&doc.id);
                    }
                }
            }
        }
        if has_a || b_seen.len() >= 2 {
            Ok(())
        } else {
            Err(IdCheckError::NotEnough)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../data/id-documents.toml");

    fn docs() -> IdDocuments {
        IdDocuments::from_toml(SHIPPED).unwrap()
    }

    #[test]
    fn shipped_lists() {
        let docs = docs();
        let labels = |list| {
            docs.in_list(list)
                .map(|d| d.label.as_str())
                .collect::<Vec<_>>()
        };
        let a = labels(IdList::A);
        for want in [
            "運転免許証",
            "運転経歴証明書",
            "旅券（パスポート）",
            "マイナンバーカード（個人番号カード）",
            "在留カード",
            "特別永住者証明書",
            "身体障害者手帳",
        ] {
            assert!(a.contains(&want), "{want} missing from A: {a:?}");
        }
        let b = labels(IdList::B);
        for want in [
            "健康保険証（資格確認書）",
            "年金手帳",
            "社員証（写真付き）",
            "学生証（写真付き）",
        ] {
            assert!(b.contains(&want), "{want} missing from B: {b:?}");
        }
        assert_eq!(
            docs.find("driver_license").map(|d| d.has_expiry),
            Some(true)
        );
        assert_eq!(
            docs.find("pension_handbook").map(|d| d.list),
            Some(IdList::B)
        );
        assert!(docs.find("運転免許証").is_none());
        assert!(
            docs.rule()
                .starts_with("医師免許証（原本）と、本人確認書類"),
            "{}",
            docs.rule()
        );
        assert_eq!(docs.required().len(), 1);
        assert_eq!(docs.required()[0].id, "medical_license");
        assert_eq!(docs.required()[0].label, "医師免許証（原本）");
        // Photo flags: every list-A document has a photo; 健康保険証 and 年金手帳 have none.
        assert!(docs.in_list(IdList::A).all(|d| d.photo));
        assert!(!docs.find("health_insurance").unwrap().photo);
        assert!(docs.find("employee_id").unwrap().photo);
        assert!(
            docs.note().contains("番号は記録しません"),
            "{}",
            docs.note()
        );
        assert_eq!(
            docs.all().len(),
            docs.in_list(IdList::A).count() + docs.in_list(IdList::B).count()
        );
    }

    #[test]
    fn one_from_a_or_two_from_b() {
        let docs = docs();
        assert_eq!(docs.check(&["driver_license"]), Ok(()));
        assert_eq!(docs.check(&["passport", "health_insurance"]), Ok(()));
        assert_eq!(
            docs.check(&["health_insurance", "pension_handbook"]),
            Ok(())
        );
        let err = docs.check(&["health_insurance"]).unwrap_err();
        assert_eq!(err, IdCheckError::NotEnough);
        assert_eq!(
            err.to_string(),
            "A欄の書類1点、またはB欄の書類2点が必要です"
        );
        assert_eq!(
            docs.check(&["health_insurance", "health_insurance"]),
            Err(IdCheckError::NotEnough)
        );
        assert_eq!(docs.check(&[]), Err(IdCheckError::NotEnough));
        let err = docs.check(&["driver_license", "library_card"]).unwrap_err();
        assert_eq!(err, IdCheckError::Unknown("library_card".into()));
        assert_eq!(err.to_string(), "不明な本人確認書類です: 「library_card」");
    }

    #[test]
    fn the_licence_is_required_and_the_photo_check_follows_the_documents() {
        let docs = docs();
        assert_eq!(docs.missing_required(&[true]), Ok(()));
        let err = docs.missing_required(&[false]).unwrap_err();
        assert_eq!(err.to_string(), "医師免許証（原本）を確認してください");
        assert!(docs.missing_required(&[]).is_err());
        assert!(docs.needs_photo(&["driver_license"]));
        assert!(docs.needs_photo(&["health_insurance", "employee_id"]));
        assert!(!docs.needs_photo(&["health_insurance", "pension_handbook"]));
        assert!(!docs.needs_photo(&[]));
        // A file without [[required]] requires nothing; B may be empty; one B alone is refused.
        let only_a = "[[document]]\nid = \"a\"\nlabel = \"免許\"\nlist = \"A\"\nphoto = false\n";
        let d = IdDocuments::from_toml(only_a).unwrap();
        assert_eq!(d.missing_required(&[]), Ok(()));
        assert!(!d.needs_photo(&["a"]));
        let dup = format!("{only_a}[[required]]\nid = \"a\"\nlabel = \"x\"\n");
        assert_eq!(
            IdDocuments::from_toml(&dup),
            Err(IdDocsError::DuplicateId("a".into()))
        );
    }

    const MINIMAL: &str = "[[document]]\nid = \"a\"\nlabel = \"免許\"\nlist = \"A\"\n\
        [[document]]\nid = \"b1\"\nlabel = \"保険証\"\nlist = \"B\"\n\
        [[document]]\nid = \"b2\"\nlabel = \"社員証\"\nlist = \"B\"\n";

    #[test]
    fn rejects_bad_files() {
        let docs = IdDocuments::from_toml(MINIMAL).unwrap();
        assert_eq!(docs.rule(), DEFAULT_RULE);
        assert!(!docs.find("a").unwrap().has_expiry);
        assert_eq!(
            IdDocuments::from_toml(&MINIMAL.replace("list = \"A\"", "list = \"C\"")),
            Err(IdDocsError::BadList {
                id: "a".into(),
                value: "C".into()
            })
        );
        assert_eq!(
            IdDocuments::from_toml(&MINIMAL.replace("\"b2\"", "\"b1\"")),
            Err(IdDocsError::DuplicateId("b1".into()))
        );
        assert_eq!(
            IdDocuments::from_toml(&MINIMAL.replace("list = \"A\"", "list = \"B\"")),
            Err(IdDocsError::NoListA)
        );
        assert_eq!(
            IdDocuments::from_toml(&MINIMAL.replace(
                "list = \"B\"\n[[document]]\nid = \"b2\"",
                "list = \"A\"\n[[document]]\nid = \"b2\""
            )),
            Err(IdDocsError::TooFewListB)
        );
        assert!(matches!(
            IdDocuments::from_toml(&MINIMAL.replace("label = \"免許\"", "label = \"\"")),
            Err(IdDocsError::MissingField { field: "label", .. })
        ));
        assert!(matches!(
            IdDocuments::from_toml("rule = 3"),
            Err(IdDocsError::Toml(_))
        ));
    }
}
