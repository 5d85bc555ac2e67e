//! The `bugle` command.

fn main() {
    eprintln!("bugle: the command line is not built yet (issue 5); see README.md");
    std::process::exit(2);
}
