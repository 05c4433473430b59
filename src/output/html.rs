//! `--html=FILE`: the scan drawn as one page that needs nothing else, its
//! style, script and data inline. The sink gathers the directories and
//! each one's largest files ([`model`]), and at the end cuts that down to
//! what can be seen ([`data`]) and writes the page: to a temporary file
//! beside FILE, renamed over it only once complete, or to stdout.

mod data;
mod model;

use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;

use crate::config::Config;
use crate::input::old::OldTree;
use crate::output::file::{FileError, OutputFile};
use crate::stream::{Event, Sink};

/// The page around the data, and what it draws with: our own files.
const PAGE: &str = include_str!("html/page.html");
const STYLE: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/treemap.js");

/// Where the page goes.
enum Target {
    Stdout,
    /// Staged beside the target and put in place whole, as an export is.
    File(OutputFile),
}

pub struct HtmlWriter<'c> {
    config: &'c Config,
    target: Option<Target>,
    model: model::Model,
}

impl<'c> HtmlWriter<'c> {
    /// Makes the temporary file the page is written to (so that a
    /// directory where it cannot be made stops the run before the scan);
    /// `old` is the old scan of `--diff`.
    pub fn create(config: &'c Config, file: &OsStr, old: Option<OldTree>) -> io::Result<Self> {
        let target = if file == "-" {
            Target::Stdout
        } else {
            Target::File(OutputFile::create(file).map_err(FileError::into_io)?)
        };
        let old_has_files = old
            .as_ref()
            .is_some_and(|o| config.all || o.nodes.iter().any(|n| !n.is_dir));
        Ok(HtmlWriter {
            config,
            target: Some(target),
            model: model::Model::new(old, old_has_files),
        })
    }

    /// Writes the page (saying it is partial if the scan was `cancelled`)
    /// and puts it in place.
    pub fn finish(&mut self, cancelled: bool) -> io::Result<()> {
        self.model.close_all();
        let (measure, other_measure) = if self.config.apparent {
            ("apparent size", "disk usage")
        } else {
            ("disk usage", "apparent size")
        };
        let header = data::Header {
            measure,
            other_measure,
            partial: cancelled,
            written: written_at(),
            version: env!("CARGO_PKG_VERSION"),
            old_name: self.config.diff.as_ref().map(|d| d.as_bytes().to_vec()),
        };
        let json = data::to_json(&mut self.model, &header);
        match self.target.take() {
            None => Ok(()),
            Some(Target::Stdout) => {
                let mut out = crate::stdio::stdout();
                write_page(&mut out, &json)?;
                out.flush()
            }
            Some(Target::File(file)) => {
                let mut out = io::BufWriter::new(file);
                write_page(&mut out, &json)?;
                let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.commit().map_err(FileError::into_io)
            }
        }
    }
}

/// Now, in the local time zone, as the page's footer gives it.
fn written_at() -> String {
    let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::system());
    jiff::fmt::strtime::format(b"%Y-%m-%d %H:%M %Z", &now).unwrap_or_default()
}

/// The template with the style, the data and the script in their places.
fn write_page(out: &mut dyn Write, json: &str) -> io::Result<()> {
    let mut rest = PAGE;
    for (marker, fill) in [
        ("<!--style-->", STYLE),
        ("<!--data-->", json),
        ("<!--script-->", SCRIPT),
    ] {
        let (before, after) = rest
            .split_once(marker)
            .expect("the page template holds every marker");
        out.write_all(before.as_bytes())?;
        out.write_all(fill.as_bytes())?;
        rest = after;
    }
    out.write_all(rest.as_bytes())
}

impl Sink for HtmlWriter<'_> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        let other = |d: &Option<crate::model::Details>| d.map(|d| d.other_bytes);
        match event {
            Event::Invalid { .. } | Event::Skipped { .. } => {}
            Event::Error { .. } => self.model.unread += 1,
            Event::File {
                path,
                depth,
                usage,
                details,
            } => self.model.file(path, *depth, usage.bytes, other(details)),
            Event::DirStart {
                path,
                depth,
                own,
                details,
            } => self
                .model
                .dir_start(path, *depth, own.bytes, other(details)),
            Event::DirEnd { path, total, .. } => self.model.dir_end(path, Some(total.bytes)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::data::shown_name;
    use super::*;

    #[test]
    fn template_holds_every_marker_once() {
        for marker in ["<!--style-->", "<!--data-->", "<!--script-->"] {
            assert_eq!(PAGE.matches(marker).count(), 1, "{marker}");
        }
    }

    #[test]
    fn names_are_shown_escaped() {
        assert_eq!(shown_name(b"a\nb"), "a\\nb");
        assert_eq!(shown_name(b"\xffx"), "\\xFFx");
        assert_eq!(shown_name(b"back\\slash"), "back\\\\slash");
        assert_eq!(shown_name("caf\u{e9}".as_bytes()), "caf\u{e9}");
    }

    #[test]
    fn json_strings_cannot_end_a_script() {
        let mut s = String::new();
        data::push_json_str(&mut s, "</script><!--//x\u{2028}");
        assert!(!s.contains('<') && !s.contains('>') && !s.contains("//"));
        assert_eq!(s, "\"\\u003c\\/script\\u003e\\u003c!--\\/\\/x\\u2028\"");
    }
}
