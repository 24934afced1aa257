//! Answers to policy questions.

use serde::{Deserialize, Serialize};

use super::question::{MULTIPLE_CHOICE_QUESTION, TEXT_INPUT_QUESTION};
use super::{Question, QuestionId};

const ANSWER_STRING: &str = "#microsoft.graph.accessPackageAnswerString";

fn answer_string_type() -> String {
    ANSWER_STRING.to_owned()
}

/// `accessPackageAnswerString`, the only v1.0 answer type. For a
/// multiple-choice question `value` is the choice's `actualValue`.
///
/// ```
/// use entra_access::models::{Answer, QuestionId};
///
/// let a = Answer::text_input(QuestionId::new("q1"), "Project Falcon");
/// let json = serde_json::to_value(&a).unwrap();
/// assert_eq!(json["@odata.type"], "#microsoft.graph.accessPackageAnswerString");
/// assert_eq!(json["answeredQuestion"]["@odata.type"], "#microsoft.graph.accessPackageTextInputQuestion");
/// assert_eq!(json["answeredQuestion"]["id"], "q1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Answer {
    /// The answer's `@odata.type`; always
    /// `#microsoft.graph.accessPackageAnswerString` unless Graph sent another.
    #[serde(rename = "@odata.type", default = "answer_string_type")]
    pub odata_type: String,
    /// The answer (for a multiple-choice question: the choice's `actualValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The answer as shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_value: Option<String>,
    /// Which question this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_question: Option<AnsweredQuestion>,
}

impl Default for Answer {
    fn default() -> Self {
        Self {
            odata_type: answer_string_type(),
            value: None,
            display_value: None,
            answered_question: None,
        }
    }
}

impl Answer {
    /// Answers the question `question_id` of type `question_odata_type`
    /// (such as `#microsoft.graph.accessPackageTextInputQuestion`).
    pub fn new(
        question_id: impl Into<QuestionId>,
        question_odata_type: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        let value = value.into();
        Self {
            odata_type: answer_string_type(),
            display_value: Some(value.clone()),
            value: Some(value),
            answered_question: Some(AnsweredQuestion {
                odata_type: Some(question_odata_type.into()),
                id: Some(question_id.into()),
            }),
        }
    }

    /// Answers a text-input question.
    pub fn text_input(question_id: impl Into<QuestionId>, value: impl Into<String>) -> Self {
        Self::new(question_id, TEXT_INPUT_QUESTION, value)
    }

    /// Answers a multiple-choice question with the choice's `actualValue`.
    pub fn choice(question_id: impl Into<QuestionId>, actual_value: impl Into<String>) -> Self {
        Self::new(question_id, MULTIPLE_CHOICE_QUESTION, actual_value)
    }

    /// Answers `question`, taking its id and `@odata.type` from it. For a
    /// multiple-choice question, `value` may be a choice's `actualValue` or
    /// its display text; the answer carries the `actualValue` and the text as
    /// `displayValue`. Returns `None` if the question has no id or type.
    pub fn for_question(question: &Question, value: impl Into<String>) -> Option<Self> {
        let value = value.into();
        let mut answer = Self::new(question.id()?, question.odata_type()?, value.clone());
        if let Question::MultipleChoice(q) = question
            && let Some(choice) = q.choice(&value)
        {
            answer.value = choice.actual_value.clone().or(Some(value));
            answer.display_value = choice.text.clone().or(answer.display_value);
        }
        Some(answer)
    }

    /// The id of the answered question.
    pub fn question_id(&self) -> Option<&QuestionId> {
        self.answered_question.as_ref()?.id.as_ref()
    }
}

/// The question an answer refers to: its `@odata.type` and id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnsweredQuestion {
    /// The question's `@odata.type` (required by Graph on write).
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    /// The question's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<QuestionId>,
}
