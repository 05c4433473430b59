//! Paths as du prints them: fts's rules for joining a name to its
//! directory and for trailing slashes on an operand.

/// Appends `name` to the printed path `base` as fts does: one slash
/// between them, whether or not `base` ends with one.
pub fn join_path(base: &mut Vec<u8>, name: &[u8]) {
    if base.last() == Some(&b'/') {
        base.pop();
    }
    base.push(b'/');
    base.extend_from_slice(name);
}

/// An operand as fts prints it: two or more trailing slashes become one.
pub fn trim_operand(path: &[u8]) -> &[u8] {
    let mut len = path.len();
    if len > 2 && path[len - 1] == b'/' {
        while len > 1 && path[len - 2] == b'/' {
            len -= 1;
        }
    }
    &path[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_joined_with_one_slash() {
        let mut p = b"a/".to_vec();
        join_path(&mut p, b"b");
        assert_eq!(p, b"a/b");
        let mut p = b"a".to_vec();
        join_path(&mut p, b"b");
        assert_eq!(p, b"a/b");
    }

    #[test]
    fn trailing_slashes_fold_to_one() {
        assert_eq!(trim_operand(b"a///"), b"a/");
        assert_eq!(trim_operand(b"//"), b"//");
        assert_eq!(trim_operand(b"/"), b"/");
        assert_eq!(trim_operand(b"a"), b"a");
    }
}
