//! Tests of the player against the real course (`lessons/course/`): the
//! lesson views' forms make exactly the actions the lessons are written
//! in, and every lesson's work survives storage and exports a transcript
//! that grades full marks.

use lessons::{Bundle, LessonAction, Session, ToolAction};
use sandbox_chain::world::Action;

use super::forms;
use super::saved::{SavedLesson, resume, transcript_file};
use crate::labs::wallet::Wallet;
use crate::store::{self, Saved};

fn course() -> Bundle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/course");
    let out = lessons::fs::check_course(&dir);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out.bundle.expect("the course checks, so it has a bundle")
}

/// The action a lesson view's form makes from the same fields, if one of
/// the views this crate draws makes this kind of action.
fn from_form(action: &LessonAction) -> Option<LessonAction> {
    Some(match action {
        LessonAction::Tool(ToolAction::Hash { input }) => forms::hash(input),
        LessonAction::Tool(ToolAction::Sign { key, message }) => forms::sign(key, message).ok()?,
        LessonAction::Tool(ToolAction::Verify {
            key,
            message,
            signature,
        }) => forms::verify(key, message, signature).ok()?,
        LessonAction::Tool(ToolAction::EditBlock {
            height,
            tx,
            amount,
            resign,
            update_root,
            remine,
        }) => forms::edit_block(
            *height,
            &tx.to_string(),
            &amount.to_string(),
            *resign,
            *update_root,
            *remine,
        )
        .ok()?,
        LessonAction::Tool(ToolAction::CheckInclusion {
            height,
            index,
            txid,
        }) => forms::check_inclusion(&height.to_string(), &index.to_string(), txid).ok()?,
        LessonAction::World(Action::CreateKey { node, name }) => {
            forms::create_key(*node, name).ok()?
        }
        LessonAction::World(Action::SendTransaction {
            node,
            from,
            to,
            amount,
            fee,
            memo,
            nonce,
        }) if memo.is_empty() => forms::send(
            *node,
            from,
            to,
            &amount.get().to_string(),
            &fee.get().to_string(),
            &nonce.map(|n| n.to_string()).unwrap_or_default(),
        )
        .ok()?,
        LessonAction::World(Action::Mine { node }) => forms::mine(*node),
        LessonAction::World(Action::AdvanceTime { ms }) => forms::advance(*ms),
        _ => return None,
    })
}

/// Guards "every student act goes through the session as the lessons
/// write it": each solution action of a kind the lesson views make is
/// rebuilt from its fields by the views' own form functions, identically.
#[test]
fn the_lesson_views_make_exactly_the_actions_of_the_course() {
    let bundle = course();
    let (mut made, mut others) = (0, Vec::new());
    for lesson in &bundle.lessons {
        for step in &lesson.steps {
            for action in &step.solution {
                match from_form(action) {
                    Some(rebuilt) => {
                        assert_eq!(&rebuilt, action, "lesson {} step {}", lesson.id, step.id);
                        made += 1;
                    }
                    None => others.push(action.name()),
                }
            }
        }
    }
    println!(
        "{made} solution actions made by the lesson views' forms; by the world views: {others:?}"
    );
    assert!(made > 30, "only {made} actions checked");
}

/// Guards "progress survives a reload" and "the export is what the grader
/// grades", over every lesson of the course: play the solutions, store
/// the work in the versioned document, load it back, resume (replaying),
/// export, and grade.
#[test]
fn every_lesson_survives_storage_and_its_export_grades_full_marks() {
    let bundle = course();
    for lesson in &bundle.lessons {
        let mut session = Session::start(lesson).unwrap();
        for step in &lesson.steps {
            for action in &step.solution {
                session.apply(action.clone()).unwrap();
            }
        }
        assert!(session.complete(), "{}", lesson.id);
        let mut saved = Saved::default();
        saved
            .lessons
            .insert(lesson.id.clone(), SavedLesson::of(&session, &[]));
        let loaded = store::load(Some(&store::to_json(&saved, &Wallet::default())));
        assert!(
            loaded.notices.is_empty(),
            "{}: {:?}",
            lesson.id,
            loaded.notices
        );
        let stored = loaded.saved.lessons.get(&lesson.id);
        assert_eq!(
            super::saved::status(lesson, stored),
            super::saved::Status::Done,
            "{}",
            lesson.id
        );
        let resumed = resume(lesson, stored).unwrap();
        assert_eq!(resumed.problem, None, "{}", lesson.id);
        assert_eq!(resumed.session.progress(), session.progress());
        let file = transcript_file(&resumed.session);
        for locale in ["en", "zh-CN"] {
            let report = lessons::grade(lesson, &file, locale).unwrap();
            assert!(
                report.complete(),
                "{}: {}/{}",
                lesson.id,
                report.passed,
                report.total
            );
        }
    }
}
