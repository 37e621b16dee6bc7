//! The player's routes and the links it makes: `#/lessons`,
//! `#/lesson/<id>` (with `?lang=zh-CN` from the book), and the book's
//! chapters, built from the lesson id (never a list of lessons).

use crate::i18n::Lang;
use crate::registry::ViewSettings;

/// The route of the lesson list.
pub const LESSONS_ROUTE: &str = "lessons";

/// What a route names, as far as the player is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlayerRoute {
    /// The lesson list.
    List,
    /// One lesson, by id.
    Lesson(String),
}

impl PlayerRoute {
    /// The player route in a route name (`lessons`, `lesson/<id>`), if any.
    pub fn parse(name: &str) -> Option<PlayerRoute> {
        if name == LESSONS_ROUTE {
            return Some(PlayerRoute::List);
        }
        let id = name.strip_prefix("lesson/")?.trim_end_matches('/');
        (!id.is_empty() && !id.contains('/')).then(|| PlayerRoute::Lesson(id.to_owned()))
    }
}

/// The language a route asks for (`?lang=zh-CN`), if it names one.
pub fn route_lang(settings: &ViewSettings) -> Option<Lang> {
    let code = settings.get("lang")?;
    Lang::ALL
        .into_iter()
        .find(|l| l.code().eq_ignore_ascii_case(code))
}

/// The address of a lesson in the app.
pub fn lesson_href(id: &str) -> String {
    format!("#/lesson/{id}")
}

/// The book's front page, relative to the app's page.
pub const BOOK_INDEX: &str = "book/index.html";

/// A lesson's chapter in the book: `book/students/<id>.html` in English,
/// `book/zh-CN/<id>.html` in Chinese.
pub fn book_chapter(id: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("book/students/{id}.html"),
        Lang::ZhCn => format!("book/zh-CN/{id}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::parse_route;

    #[test]
    fn lesson_routes() {
        let (name, settings) = parse_route("#/lesson/hashing?lang=zh-CN");
        assert_eq!(
            PlayerRoute::parse(&name),
            Some(PlayerRoute::Lesson("hashing".into()))
        );
        assert_eq!(route_lang(&settings), Some(Lang::ZhCn));
        assert_eq!(PlayerRoute::parse("lessons"), Some(PlayerRoute::List));
        assert_eq!(PlayerRoute::parse("lesson/"), None);
        assert_eq!(PlayerRoute::parse("lesson/a/b"), None);
        assert_eq!(PlayerRoute::parse("hash"), None);
        assert_eq!(route_lang(&ViewSettings::parse("lang=en")), Some(Lang::En));
        assert_eq!(route_lang(&ViewSettings::parse("lang=fr")), None);
        assert_eq!(lesson_href("keys"), "#/lesson/keys");
    }

    #[test]
    fn book_links_are_relative_and_built_from_the_id() {
        assert_eq!(
            book_chapter("mining", Lang::En),
            "book/students/mining.html"
        );
        assert_eq!(book_chapter("mining", Lang::ZhCn), "book/zh-CN/mining.html");
        assert!(!BOOK_INDEX.starts_with('/'));
    }
}
