//! New migration folders must trigger a rebuild: they are embedded.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
