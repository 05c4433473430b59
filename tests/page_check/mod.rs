//! Reading a page written by `cdu --html`: its data, the tree the data
//! describes, and checks of its markup (tests/html.rs).
#![allow(dead_code)]

use libtest_mimic::Failed;
use serde_json::Value;

/// The JSON the page holds.
pub fn data_of(page: &str) -> Result<Value, Failed> {
    let open = "<script id=\"cdu-data\" type=\"application/json\">";
    let start = page.find(open).ok_or("no data element")? + open.len();
    let end = start + page[start..].find("</script>").ok_or("data never ends")?;
    Ok(serde_json::from_str(&page[start..end])?)
}

/// A node of the page's tree: its row and its children.
pub struct Node {
    pub row: Vec<Value>,
    pub kids: Vec<Node>,
}

impl Node {
    pub fn name(&self) -> &str {
        self.row[0].as_str().unwrap_or("")
    }
    pub fn kind(&self) -> u64 {
        self.row[1].as_u64().unwrap_or(9)
    }
    pub fn size(&self, measure: usize) -> u64 {
        self.row[2 + measure].as_u64().unwrap_or(u64::MAX)
    }
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.kids.iter().find(|k| k.name() == name && k.kind() != 2)
    }
    pub fn change(&self) -> u64 {
        self.row[6].as_u64().unwrap_or(99)
    }
}

/// The roots of the page's tree, rebuilt from its preorder rows.
pub fn tree_of(data: &Value) -> Result<Vec<Node>, Failed> {
    pub fn take(rows: &[Value], at: &mut usize) -> Result<Node, Failed> {
        let row = rows
            .get(*at)
            .and_then(Value::as_array)
            .ok_or("a row is missing")?
            .clone();
        *at += 1;
        let n = row[5].as_u64().ok_or("no child count")?;
        let mut kids = Vec::new();
        for _ in 0..n {
            kids.push(take(rows, at)?);
        }
        Ok(Node { row, kids })
    }
    let rows = data["nodes"].as_array().ok_or("no nodes")?;
    let mut at = 0;
    let mut roots = Vec::new();
    for _ in 0..data["roots"].as_u64().ok_or("no roots")? {
        roots.push(take(rows, &mut at)?);
    }
    if at != rows.len() {
        return Err(format!("{} rows, {at} in the tree", rows.len()).into());
    }
    Ok(roots)
}

/// Checks that every directory's boxes add up to it, in both measures.
pub fn check_sums(node: &Node, measures: usize) -> Result<(), Failed> {
    if node.kind() == 1 && !node.kids.is_empty() {
        for m in 0..measures {
            let sum: u64 = node.kids.iter().map(|k| k.size(m)).sum();
            if sum != node.size(m) {
                return Err(format!(
                    "{:?}: boxes add up to {sum}, not {} (measure {m})",
                    node.name(),
                    node.size(m)
                )
                .into());
            }
        }
    }
    node.kids.iter().try_for_each(|k| check_sums(k, measures))
}

/// Well-formedness, as a browser would need it here: every element that
/// is opened is closed in order (the void ones excepted), attributes are
/// quoted, comments end, and a script's or style's text runs to its own
/// end tag.
pub fn check_well_formed(html: &str) -> Result<(), Failed> {
    const VOID: &[&str] = &["meta", "br", "img", "input", "link", "hr", "wbr"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = html
        .strip_prefix("<!DOCTYPE html>")
        .ok_or("no doctype first")?;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").ok_or("a comment never ends")?;
            rest = &comment[end + 3..];
            continue;
        }
        let gt = rest.find('>').ok_or("a tag never ends")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let top = open.pop().ok_or(format!("</{name}> closes nothing"))?;
            if top != name {
                return Err(format!("</{name}> closes <{top}>").into());
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            return Err(format!("a tag without a name: <{tag}>").into());
        }
        if tag.matches('"').count() % 2 != 0 {
            return Err(format!("an attribute's quotes do not pair: <{tag}>").into());
        }
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "script" || name == "style" {
            let end = format!("</{name}>");
            let at = rest.find(&end).ok_or(format!("<{name}> never ends"))?;
            rest = &rest[at + end.len()..];
            continue;
        }
        open.push(name);
    }
    if !open.is_empty() {
        return Err(format!("left open: {open:?}").into());
    }
    if !rest.trim().is_empty() {
        return Err(format!("text after the document: {rest:?}").into());
    }
    Ok(())
}

/// The page with its comments taken out: `<!-- -->` in the markup and
/// `/* */` in the style and the script.
pub fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        let a = rest.find("<!--");
        let b = rest.find("/*");
        let (at, open, close) = match (a, b) {
            (Some(a), Some(b)) if a < b => (a, "<!--", "-->"),
            (Some(a), None) => (a, "<!--", "-->"),
            (_, Some(b)) => (b, "/*", "*/"),
            (None, None) => break,
        };
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        match after.find(close) {
            Some(end) => rest = &after[end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
