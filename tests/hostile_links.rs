//! Hostile trees, links: symlink loops and chains longer than the kernel
//! follows, dangling symlinks, and hard links across operands and
//! excludes, each compared with GNU du 9.7 in every mode. cdu walks in
//! GNU's order, so which hard link is charged must agree too.

mod harness;
mod reference;
mod testenv;

use harness::premise;
use reference::{cases_in, check_all_in, each_mode};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    let reference = [premise::reference()];
    trials!(suite, reference;
        dereference_all_over_symlink_loops,
        symlink_chain_longer_than_kernel_limit,
        dangling_symlinks_with_and_without_dereference,
        hard_links_across_operands,
        hard_links_with_exclude,
    );
    suite.run();
}

fn dereference_all_over_symlink_loops() {
    let env = TestEnv::new(
        "symlink a b\n\
         symlink b a\n\
         symlink self self\n\
         file d/f 3000\n\
         symlink d/sub/up ..\n\
         symlink d/sub/top ../..\n\
         symlink d/sub/here .\n\
         file other/g 7000\n",
    );
    let cases = cases_in(
        env.tempdir(),
        &[
            &["-L", "root"],
            &["-aL", "root"],
            &["-aL", "-l", "root"],
            &["-sL", "root"],
            &["-L", "root/a", "root/self", "root/d/sub/up"],
            &["-aH", "root/d/sub/up"],
            &["-aL", "root/d/sub/top"],
            &["-a", "root"],
        ],
    );
    check_all_in(&cases, &each_mode());
}

/// Symlink chains of 40 (the kernel's limit) and 41..45: ELOOP.
fn symlink_chain_longer_than_kernel_limit() {
    let mut desc = String::from("file x 5000\n");
    let mut prev = "x".to_string();
    for i in 1..=45 {
        desc.push_str(&format!("symlink s{i} {prev}\n"));
        prev = format!("s{i}");
    }
    desc.push_str("dir dirx\nfile dirx/in 2000\n");
    prev = "dirx".to_string();
    for i in 1..=42 {
        desc.push_str(&format!("symlink ds{i} {prev}\n"));
        prev = format!("ds{i}");
    }
    let env = TestEnv::new(&desc);
    let cases = cases_in(
        env.tempdir(),
        &[
            &["-L", "root/s40"],
            &["-L", "root/s41"],
            &["-L", "root/s45"],
            &["-D", "root/s41"],
            &[
                "-L", "-c", "root/s39", "root/s40", "root/s41", "root/s45", "root/x",
            ],
            &["-L", "root/ds40", "root/ds41"],
            &["-aL", "-l", "root"],
            &["-sL", "root"],
            &["-a", "root"],
        ],
    );
    check_all_in(&cases, &each_mode());
}

fn dangling_symlinks_with_and_without_dereference() {
    let env = TestEnv::new(
        "symlink dang nowhere\n\
         symlink sub/dang2 ../missing/deeper\n\
         symlink abs /nonexistent/cdu-test\n\
         file sub/f 100\n",
    );
    let cases = cases_in(
        env.tempdir(),
        &[
            &["-a", "root"],
            &["-aL", "root"],
            &["-aH", "root/dang"],
            &["-L", "root/dang"],
            &["root/dang", "root/abs"],
            &["-D", "root/abs", "root/sub"],
            &["-b", "-a", "root"],
        ],
    );
    check_all_in(&cases, &each_mode());
}

fn hard_links_across_operands() {
    let env = TestEnv::new(
        "file a/f 10K\n\
         hardlink b/h a/f\n\
         hardlink e/deep/h2 a/f\n\
         file b/own 3K\n\
         file c/single 4K\n\
         hardlink c2 c/single\n",
    );
    let cases = cases_in(
        env.tempdir(),
        &[
            &["root/a", "root/b"],
            &["root/b", "root/a"],
            &["root/e", "root/b", "root/a"],
            &["-l", "root/a", "root/b", "root/e"],
            &["-c", "root/a", "root/b", "root/a"],
            &["-a", "root/b/h", "root/a"],
            &["-s", "root/c2", "root/c"],
            &["-s", "root/c", "root/c2"],
            &["-s", "root"],
            &["-sl", "root"],
            &["root/a", "root/a/f", "root/a/."],
            &["-a", "root/b", "root/e", "root/a"],
        ],
    );
    check_all_in(&cases, &each_mode());
}

fn hard_links_with_exclude() {
    let env = TestEnv::new(
        "file a/f 10K\n\
         hardlink a/h a/f\n\
         hardlink b/h a/f\n\
         file b/keep 2K\n",
    );
    let cases = cases_in(
        env.tempdir(),
        &[
            // Which of a/h and b/h is charged follows readdir's order.
            &["-a", "root"],
            &["-a", "--exclude=f", "root"],
            &["--exclude=h", "-a", "root"],
            &["--exclude=h", "-a", "root/b", "root/a"],
            &["--exclude=f", "-a", "root/b", "root/a"],
            &["--exclude=f", "root/a", "root/b"],
            &["--exclude=a", "root"],
            &["--exclude=a", "-c", "root/a", "root/b"],
            &["--exclude=root/a/f", "-a", "root/a"],
        ],
    );
    check_all_in(&cases, &each_mode());
}
