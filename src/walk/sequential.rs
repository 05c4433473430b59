//! One walker thread with an explicit stack of directories (the book's
//! du1 and du2): depth-first in traversal order, and no recursion whose
//! depth follows the tree's.

use super::read::dirent_buffer;
use super::walker::Walker;
use crate::config::Operand;

/// Walks `operands` in order on the calling thread.
pub fn walk_sequential(walker: &Walker, operands: impl Iterator<Item = Operand>) {
    let mut buf = dirent_buffer();
    let mut stack = Vec::new();
    let mut children = Vec::new();
    for (index, operand) in operands.enumerate() {
        if walker.cancel().is_cancelled() {
            break;
        }
        stack.extend(walker.start_operand(index, &operand));
        while let Some(job) = stack.pop() {
            walker.process(job, &mut buf, &mut children, None);
            // The first subdirectory on top: it is read next.
            stack.extend(children.drain(..).rev());
        }
    }
}
