//! Just enough WebDriver to drive headless chromium through Debian's
//! chromedriver: plain HTTP with JSON bodies (tests/html.rs).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::Failed;
use serde_json::{Value, json};

/// How long the driver may take to start listening.
const DEADLINE: Duration = Duration::from_secs(60);

/// Where the browser trials find their tools, or why they cannot run.
pub fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join(n))
                .find(|p| p.is_file())
        })
    };
    let chromium = find(&["chromium", "chromium-browser"]).ok_or("chromium is not installed")?;
    let driver = find(&["chromedriver"]).ok_or("chromium-driver is not installed")?;
    Ok((chromium, driver))
}

/// A WebDriver session in headless chromium, ended on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn start(chromium: &Path, driver: &Path) -> Result<Browser, Failed> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        // A process group of its own: the chromium it starts joins it, so
        // that dropping the session ends that chromium too, even when the
        // driver's own shutdown leaves it running.
        let child = Command::new(driver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let profile = tempfile::tempdir()?;
        let mut browser = Browser {
            driver: child,
            port,
            session: String::new(),
            _profile: profile,
        };
        // The driver answers once it listens.
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > DEADLINE {
                return Err("chromedriver never listened".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!(
            "--user-data-dir={}",
            browser._profile.path().display()
        )])
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let answer = browser.call("POST", "/session", &caps)?;
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .ok_or(format!("no session: {answer}"))?
            .to_string();
        Ok(browser)
    }

    /// One WebDriver command: plain HTTP with a JSON body.
    pub fn call(&self, method: &str, path: &str, body: &Value) -> Result<Value, Failed> {
        let body = if method == "GET" {
            String::new()
        } else {
            body.to_string()
        };
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(DEADLINE))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        // The driver may keep the connection open: read the head, then
        // as many bytes as it says the body has.
        let mut answer = Vec::new();
        let mut buf = [0u8; 8192];
        let (head_end, length) = loop {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Err("the driver closed the connection early".into());
            }
            answer.extend_from_slice(&buf[..n]);
            if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&answer[..at]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .ok_or("no Content-Length")?;
                break (at + 4, length);
            }
        };
        while answer.len() < head_end + length {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Err("the driver's answer was cut short".into());
            }
            answer.extend_from_slice(&buf[..n]);
        }
        let text = std::str::from_utf8(&answer[head_end..head_end + length])?;
        let value: Value = serde_json::from_str(text)?;
        if value["value"]["error"].is_string() {
            return Err(format!("{method} {path}: {}", value["value"]).into());
        }
        Ok(value)
    }

    pub fn session_call(&self, method: &str, path: &str, body: Value) -> Result<Value, Failed> {
        let path = format!("/session/{}{path}", self.session);
        Ok(self.call(method, &path, &body)?["value"].take())
    }

    pub fn script(&self, script: &str) -> Result<Value, Failed> {
        self.session_call(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }
    /// The id of the first element `css` selects.
    pub fn element(&self, css: &str) -> Result<String, Failed> {
        let found = self.session_call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        )?;
        Ok(found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .ok_or(format!("nothing is {css}: {found}"))?
            .to_string())
    }

    /// Moves the mouse to (`x`, `y`) from the middle of `element`, and
    /// clicks there if `click`.
    pub fn pointer(&self, element: &str, x: i64, y: i64, click: bool) -> Result<(), Failed> {
        let origin = json!({"element-6066-11e4-a52e-4f735466cecf": element});
        let mut steps = vec![json!({"type": "pointerMove", "origin": origin, "x": x, "y": y})];
        if click {
            steps.push(json!({"type": "pointerDown", "button": 0}));
            steps.push(json!({"type": "pointerUp", "button": 0}));
        }
        self.session_call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "pointer", "id": "mouse",
                "parameters": {"pointerType": "mouse"}, "actions": steps}]}),
        )?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = self.call("DELETE", &path, &Value::Null);
        }
        if let Some(group) = rustix::process::Pid::from_raw(self.driver.id() as i32) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
