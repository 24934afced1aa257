//! Questions a policy asks requestors.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::serde_util::{null_as_default, odata_type, serialize_tagged};
use super::QuestionId;

pub(crate) const TEXT_INPUT_QUESTION: &str = "#microsoft.graph.accessPackageTextInputQuestion";
pub(crate) const MULTIPLE_CHOICE_QUESTION: &str =
    "#microsoft.graph.accessPackageMultipleChoiceQuestion";

/// `accessPackageQuestion`: a question of a policy, told apart by
/// `@odata.type`. Serializes with its `@odata.type`; an unknown subtype (or a
/// known one that does not parse) is kept raw in [`Unknown`](Self::Unknown).
///
/// ```
/// use entra_access::models::Question;
///
/// let q: Question = serde_json::from_str(r##"{
///     "@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
///     "id": "q1", "text": "Why?", "isRequired": true, "isSingleLineQuestion": true
/// }"##).unwrap();
/// assert_eq!(q.id().unwrap(), "q1");
/// assert!(q.is_required());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Question {
    /// `#microsoft.graph.accessPackageTextInputQuestion`.
    TextInput(TextInputQuestion),
    /// `#microsoft.graph.accessPackageMultipleChoiceQuestion`.
    MultipleChoice(MultipleChoiceQuestion),
    /// Any other subtype, kept as Graph sent it.
    Unknown(serde_json::Value),
}

impl Question {
    /// The question's `@odata.type` (for an unknown subtype: as sent, if any).
    pub fn odata_type(&self) -> Option<&str> {
        match self {
            Self::TextInput(_) => Some(TEXT_INPUT_QUESTION),
            Self::MultipleChoice(_) => Some(MULTIPLE_CHOICE_QUESTION),
            Self::Unknown(raw) => odata_type(raw),
        }
    }

    /// The question's id. For an unknown subtype, read from the raw JSON.
    pub fn id(&self) -> Option<QuestionId> {
        match self {
            Self::TextInput(q) => q.id.clone(),
            Self::MultipleChoice(q) => q.id.clone(),
            Self::Unknown(raw) => raw
                .get("id")
                .and_then(serde_json::Value::as_str)
                .map(QuestionId::from),
        }
    }

    /// The question text (default language).
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::TextInput(q) => q.text.as_deref(),
            Self::MultipleChoice(q) => q.text.as_deref(),
            Self::Unknown(raw) => raw.get("text").and_then(serde_json::Value::as_str),
        }
    }

    /// Whether an answer is required.
    pub fn is_required(&self) -> bool {
        match self {
            Self::TextInput(q) => q.is_required == Some(true),
            Self::MultipleChoice(q) => q.is_required == Some(true),
            Self::Unknown(raw) => {
                raw.get("isRequired").and_then(serde_json::Value::as_bool) == Some(true)
            }
        }
    }

    /// Position among the policy's questions.
    pub fn sequence(&self) -> Option<i32> {
        match self {
            Self::TextInput(q) => q.sequence,
            Self::MultipleChoice(q) => q.sequence,
            Self::Unknown(raw) => raw
                .get("sequence")
                .and_then(serde_json::Value::as_i64)
                .and_then(|n| i32::try_from(n).ok()),
        }
    }
}

/// `accessPackageTextInputQuestion`: a free-text question.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TextInputQuestion {
    /// Id of the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<QuestionId>,
    /// The question text (default language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether an answer is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_required: Option<bool>,
    /// Whether the requestor may change the answer later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_answer_editable: Option<bool>,
    /// Position among the policy's questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i32>,
    /// The text in other languages.
    #[serde(default, deserialize_with = "null_as_default")]
    pub localizations: Vec<LocalizedText>,
    /// Single-line (true) or multi-line answer box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_single_line_question: Option<bool>,
    /// A regular expression the answer must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex_pattern: Option<String>,
}

/// `accessPackageMultipleChoiceQuestion`: a question with fixed choices.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MultipleChoiceQuestion {
    /// Id of the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<QuestionId>,
    /// The question text (default language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether an answer is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_required: Option<bool>,
    /// Whether the requestor may change the answer later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_answer_editable: Option<bool>,
    /// Position among the policy's questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i32>,
    /// The text in other languages.
    #[serde(default, deserialize_with = "null_as_default")]
    pub localizations: Vec<LocalizedText>,
    /// The choices offered.
    #[serde(default, deserialize_with = "null_as_default")]
    pub choices: Vec<AnswerChoice>,
    /// Whether several choices may be selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_multiple_selection_allowed: Option<bool>,
}

impl MultipleChoiceQuestion {
    /// The choice whose `actualValue` or display text equals `value`
    /// (`actualValue` wins).
    pub fn choice(&self, value: &str) -> Option<&AnswerChoice> {
        self.choices
            .iter()
            .find(|c| c.actual_value.as_deref() == Some(value))
            .or_else(|| {
                self.choices
                    .iter()
                    .find(|c| c.text.as_deref() == Some(value))
            })
    }
}

/// `accessPackageAnswerChoice`: a choice offered by a multiple-choice
/// question (in v1.0 this is not an answer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnswerChoice {
    /// The machine value, sent as the answer's `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_value: Option<String>,
    /// The display text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The display text in other languages.
    #[serde(default, deserialize_with = "null_as_default")]
    pub localizations: Vec<LocalizedText>,
}

/// `accessPackageLocalizedText`: a text in one language.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalizedText {
    /// Language code such as `en-us`.
    #[serde(default)]
    pub language_code: String,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Serialize for Question {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::TextInput(q) => serialize_tagged(TEXT_INPUT_QUESTION, q, serializer),
            Self::MultipleChoice(q) => serialize_tagged(MULTIPLE_CHOICE_QUESTION, q, serializer),
            Self::Unknown(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Question {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let typed = match odata_type(&raw) {
            Some(TEXT_INPUT_QUESTION) => serde_json::from_value(raw.clone())
                .map(Self::TextInput)
                .ok(),
            Some(MULTIPLE_CHOICE_QUESTION) => serde_json::from_value(raw.clone())
                .map(Self::MultipleChoice)
                .ok(),
            _ => None,
        };
        Ok(typed.unwrap_or(Self::Unknown(raw)))
    }
}
