//! The browser entry point: mounts the app (everything else is in the library).

fn main() {
    web::mount();
}
