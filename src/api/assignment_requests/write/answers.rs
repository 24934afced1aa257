//! Answers to a policy's questions: resolved and checked against the policy
//! when the builder knows it.

use crate::error::{Error, Result};
use crate::models::ids::check_id;
use crate::models::{Answer, AssignmentPolicy, Question, QuestionId};

/// An answer as given to the builder.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PendingAnswer {
    /// `answer(question_id, value)`: the question's type comes from the policy.
    ByValue { question: QuestionId, value: String },
    /// `answers(..)`: a complete answer, checked against the policy if known.
    Ready(Answer),
}

/// Turns the pending answers into wire answers and checks them:
/// without a policy only the question ids are checked (and `ByValue`
/// answers are refused, since their question type is unknown); with a
/// policy, every answer must name one of its questions, a multiple-choice
/// value must be one of the choices, and with `require_all` every required
/// question must be answered.
pub(crate) fn resolve(
    pending: &[PendingAnswer],
    policy: Option<&AssignmentPolicy>,
    require_all: bool,
) -> Result<Vec<Answer>> {
    let questions = policy.and_then(|p| p.questions.as_deref());
    let mut out = Vec::with_capacity(pending.len());
    for p in pending {
        let answer = match p {
            PendingAnswer::ByValue { question, value } => {
                check_question_id(question)?;
                let Some(policy) = policy else {
                    return Err(Error::invalid_input(
                        &format!("answer to question {question}"),
                        "needs the policy to know the question's type: call `.policy(&policy)`, \
                         or pass `Answer::text_input`/`Answer::choice` to `.answers(..)`",
                    ));
                };
                let Some(questions) = questions else {
                    return Err(Error::invalid_input(
                        &format!("answer to question {question}"),
                        format!(
                            "cannot be typed: policy {} was given without its questions",
                            policy.id
                        ),
                    ));
                };
                let q = find(questions, question, policy)?;
                check_choice(q, value)?;
                Answer::for_question(q, value.clone()).ok_or_else(|| {
                    Error::invalid_input(
                        &format!("question {question}"),
                        "has no @odata.type in the policy",
                    )
                })?
            }
            PendingAnswer::Ready(a) => {
                let Some(id) = a.question_id() else {
                    return Err(Error::invalid_input(
                        "answer",
                        "names no question (answeredQuestion.id)",
                    ));
                };
                check_question_id(id)?;
                if let (Some(policy), Some(questions)) = (policy, questions) {
                    let q = find(questions, id, policy)?;
                    let sent_type = a
                        .answered_question
                        .as_ref()
                        .and_then(|x| x.odata_type.as_deref());
                    if let (Some(sent), Some(expected)) = (sent_type, q.odata_type())
                        && sent != expected
                    {
                        return Err(Error::invalid_input(
                            &format!("answer to question {id}"),
                            format!("is typed {sent} but the question is {expected}"),
                        ));
                    }
                    if let Question::MultipleChoice(mc) = q {
                        let value = a.value.as_deref().unwrap_or_default();
                        if !mc
                            .choices
                            .iter()
                            .any(|c| c.actual_value.as_deref() == Some(value))
                        {
                            return Err(not_a_choice(q, value));
                        }
                    }
                }
                a.clone()
            }
        };
        out.push(answer);
    }
    if require_all {
        for q in questions.into_iter().flatten().filter(|q| q.is_required()) {
            let Some(id) = q.id() else { continue };
            let answered = out.iter().any(|a| {
                a.question_id() == Some(&id)
                    && a.value.as_deref().is_some_and(|v| !v.trim().is_empty())
            });
            if !answered {
                return Err(Error::invalid_input(
                    &format!("question {id}{}", quoted_text(q)),
                    "is required by the policy but has no answer",
                ));
            }
        }
    }
    Ok(out)
}

fn check_question_id(id: &QuestionId) -> Result<()> {
    check_id(id.as_str()).map_err(|p| Error::invalid_input("question id", p))
}

fn find<'a>(
    questions: &'a [Question],
    id: &QuestionId,
    policy: &AssignmentPolicy,
) -> Result<&'a Question> {
    questions
        .iter()
        .find(|q| q.id().as_ref() == Some(id))
        .ok_or_else(|| {
            Error::invalid_input(
                &format!("question id {id}"),
                format!("is not a question of policy {}", policy.id),
            )
        })
}

/// For a multiple-choice question the value must be a choice's
/// `actualValue` (or its display text, which is mapped to it).
fn check_choice(q: &Question, value: &str) -> Result<()> {
    match q {
        Question::MultipleChoice(mc) if mc.choice(value).is_none() => Err(not_a_choice(q, value)),
        _ => Ok(()),
    }
}

fn not_a_choice(q: &Question, value: &str) -> Error {
    let choices: Vec<&str> = match q {
        Question::MultipleChoice(mc) => mc
            .choices
            .iter()
            .filter_map(|c| c.actual_value.as_deref())
            .collect(),
        _ => Vec::new(),
    };
    let id = q.id().map(|i| i.to_string()).unwrap_or_default();
    Error::invalid_input(
        &format!("answer to question {id}{}", quoted_text(q)),
        format!(
            "{value:?} is not one of its choices (expected one of: {})",
            choices.join(", ")
        ),
    )
}

fn quoted_text(q: &Question) -> String {
    q.text().map(|t| format!(" ({t:?})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AssignmentPolicy {
        serde_json::from_value(serde_json::json!({
            "id": "p1",
            "questions": [
                {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
                 "id": "q-text", "text": "Project?", "isRequired": true},
                {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion",
                 "id": "q-dept", "text": "Department?", "isRequired": false,
                 "choices": [{"actualValue": "fin", "text": "Finance"},
                             {"actualValue": "eng", "text": "Engineering"}]}
            ]
        }))
        .unwrap()
    }

    fn by_value(q: &str, v: &str) -> PendingAnswer {
        PendingAnswer::ByValue {
            question: q.into(),
            value: v.into(),
        }
    }

    #[test]
    fn by_value_answers_take_their_type_from_the_policy() {
        let p = policy();
        let out = resolve(
            &[by_value("q-text", "Falcon"), by_value("q-dept", "Finance")],
            Some(&p),
            true,
        )
        .unwrap();
        assert_eq!(out[0], Answer::text_input("q-text", "Falcon"));
        assert_eq!(out[1].value.as_deref(), Some("fin"));
        assert_eq!(out[1].display_value.as_deref(), Some("Finance"));
    }

    #[test]
    fn problems_are_named() {
        let p = policy();
        let err = |pending: &[PendingAnswer], require| {
            resolve(pending, Some(&p), require).unwrap_err().to_string()
        };
        assert!(err(&[by_value("q-dept", "hr")], false)
            .contains("not one of its choices (expected one of: fin, eng)"));
        assert!(err(&[by_value("q-nope", "x")], false).contains("is not a question of policy p1"));
        assert!(err(&[], true).contains("q-text (\"Project?\") is required"));
        assert!(err(&[by_value("q-text", "  ")], true).contains("is required"));
        assert!(err(
            &[PendingAnswer::Ready(Answer::choice("q-dept", "Finance"))],
            false
        )
        .contains("not one of its choices"));
        assert!(err(
            &[PendingAnswer::Ready(Answer::text_input("q-dept", "fin"))],
            false
        )
        .contains("is typed"));
        let no_policy = resolve(&[by_value("q-text", "x")], None, true).unwrap_err();
        assert!(
            no_policy.to_string().contains(".policy(&policy)"),
            "{no_policy}"
        );
    }

    #[test]
    fn ready_answers_pass_without_a_policy() {
        let a = Answer::choice("q-dept", "fin");
        assert_eq!(
            resolve(&[PendingAnswer::Ready(a.clone())], None, true).unwrap(),
            vec![a]
        );
    }
}
