//! cXML, the XML a SignalWire space asks your application for: typed documents for voice
//! ([`VoiceResponse`]), messaging ([`MessagingResponse`]) and fax ([`FaxResponse`]), rendered
//! with correct escaping and read back into the same types.
//!
//! ```
//! use signalwire_compat::cxml::{Conference, Dial, Say, VoiceResponse, Beep};
//!
//! let doc = VoiceResponse::new()
//!     .say(Say::new("Joining the stand-up <now> & then").voice("alice"))
//!     .dial(Dial::new().conference(Conference::new("standup").beep(Beep::OnEnter)));
//! let xml = doc.to_xml();
//! assert!(xml.contains("&lt;now&gt; &amp; then"));
//! assert_eq!(VoiceResponse::parse(&xml).unwrap(), doc);
//! ```
//!
//! What the types hold is what SignalWire documents: each verb's attributes with their
//! types (a count is a number, `beep` is one of four values, `statusCallbackEvent` a set of
//! events), and each verb's nouns where they may go (a [`Conference`] only inside a
//! [`Dial`]). Reading follows SignalWire's rules where it states them: names of verbs,
//! nouns and attributes are case-sensitive, so `<say>` is refused. Where it is silent, the
//! reader chooses: an attribute it does not know is kept (in `extra`) and written back; a
//! value outside a documented set is kept as `Other`; text content is trimmed; comments and
//! processing instructions are skipped. An error names the line and the element.

mod messaging;
mod voice;

use std::{borrow::Cow, fmt};

use quick_xml::{
    Reader, Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};

pub use messaging::{Body, Media, Message, MessagePart, MessagingResponse, MessagingVerb};
pub use voice::*;

/// Why a cXML document could not be read: what is wrong, on which line, in which element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CxmlError {
    line: u32,
    element: Option<String>,
    message: String,
}

impl CxmlError {
    fn new(line: u32, element: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            line,
            element: element.map(str::to_owned),
            message: message.into(),
        }
    }

    /// The line (from 1) the problem is on.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The element it is in, when there is one (`Say`).
    pub fn element(&self) -> Option<&str> {
        self.element.as_deref()
    }

    /// What is wrong, for a person to read.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CxmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = crate::text::Printable::new(&self.message);
        match &self.element {
            Some(element) => write!(
                f,
                "line {}, <{}>: {message}",
                self.line,
                crate::text::Printable::new(element)
            ),
            None => write!(f, "line {}: {message}", self.line),
        }
    }
}

impl std::error::Error for CxmlError {}

/// The largest document the reader takes: 1 MiB, far above what a call's instructions need.
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// How deep elements may nest; cXML needs four levels.
const MAX_DEPTH: usize = 32;

/// An element as read or about to be written, before it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Child>,
    /// The line it starts on, when read.
    pub(crate) line: u32,
}

/// What an element holds: elements and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Child {
    Element(Node),
    Text(String),
}

impl Node {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> CxmlError {
        CxmlError::new(self.line, Some(&self.name), message)
    }

    /// Its text, trimmed, when it holds text only.
    pub(crate) fn text(&self) -> Result<String, CxmlError> {
        let mut text = String::new();
        for child in &self.children {
            match child {
                Child::Text(t) => text.push_str(t),
                Child::Element(e) => {
                    return Err(e.error(format!("<{}> takes text only, not elements", self.name)));
                }
            }
        }
        Ok(text.trim().to_owned())
    }

    /// Refuses any content.
    pub(crate) fn empty(&self) -> Result<(), CxmlError> {
        match self.children.first() {
            None => Ok(()),
            Some(Child::Text(t)) if t.trim().is_empty() && self.children.len() == 1 => Ok(()),
            Some(Child::Element(e)) => Err(e.error(format!("<{}> takes no elements", self.name))),
            Some(Child::Text(_)) => Err(self.error("takes no text")),
        }
    }
}

/// The value of an attribute: how it is written and read.
pub trait AttrValue: Sized {
    /// The value as cXML writes it.
    fn write(&self) -> Cow<'_, str>;
    /// Reads a value, or says why it is not one.
    fn read(text: &str) -> Result<Self, String>;
}

impl AttrValue for String {
    fn write(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn read(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
}

impl AttrValue for bool {
    fn write(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn read(text: &str) -> Result<Self, String> {
        match text {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("is not true or false".into()),
        }
    }
}

impl AttrValue for u32 {
    fn write(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn read(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| "is not a whole number".into())
    }
}

impl AttrValue for crate::CallbackMethod {
    fn write(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
    fn read(text: &str) -> Result<Self, String> {
        crate::CallbackMethod::KNOWN
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map(|(_, m)| *m)
            .ok_or_else(|| "is not GET or POST".into())
    }
}

/// A set of values written as one attribute, separated by spaces
/// (`statusCallbackEvent="start end join"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Events<E>(pub Vec<E>);

impl<E> Events<E> {
    /// The set of `events`.
    pub fn of(events: impl IntoIterator<Item = E>) -> Self {
        Self(events.into_iter().collect())
    }
}

impl<E: AttrValue> AttrValue for Events<E> {
    fn write(&self) -> Cow<'_, str> {
        let parts: Vec<Cow<'_, str>> = self.0.iter().map(AttrValue::write).collect();
        Cow::Owned(parts.join(" "))
    }
    fn read(text: &str) -> Result<Self, String> {
        text.split_whitespace()
            .map(E::read)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl<E> From<Vec<E>> for Events<E> {
    fn from(events: Vec<E>) -> Self {
        Self(events)
    }
}

/// A value from a documented set, kept as written when it is another: the crate's open enum
/// (`open_enum!`), read and written as an attribute.
macro_rules! attr_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $crate::models::open_enum! {
            $(#[$meta])*
            pub enum $name {
                $( $(#[$vmeta])* $variant = $text, )+
            }
        }

        impl $crate::cxml::AttrValue for $name {
            fn write(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
            fn read(text: &str) -> Result<Self, String> {
                Ok(Self::from(text))
            }
        }
    };
}
pub(crate) use attr_enum;

/// A typed element: what it is called, and how it becomes a [`Node`] and back.
pub(crate) trait Element: Sized {
    const NAME: &'static str;
    fn to_node(&self) -> Node;
    fn from_node(node: &Node) -> Result<Self, CxmlError>;
}

/// Reads an attribute of `node` into `slot`.
pub(crate) fn read_attr<T: AttrValue>(
    node: &Node,
    name: &str,
    text: &str,
    slot: &mut Option<T>,
) -> Result<(), CxmlError> {
    let value = T::read(text).map_err(|why| {
        node.error(format!(
            "{name} is {:?}, which {why}",
            crate::text::Printable::new(text).to_string()
        ))
    })?;
    *slot = Some(value);
    Ok(())
}

/// An element with attributes and content, and the `extra` attributes it does not know.
///
/// `content` is `text` (the element holds text), `empty`, or `children: Type` (a
/// [`ChildOf`] enum of what may go inside).
macro_rules! element {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($xml:literal) $content:tt
        { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }
    ) => {
        $crate::cxml::element!(@struct $(#[$meta])* $name $xml $content { $( $(#[$fmeta])* $field : $ty = $attr, )* });
    };
    (@attrs $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        impl $name {
            $( $(#[$fmeta])* pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                self.$field = Some(value.into());
                self
            } )*

            /// Writes the attributes it knows, then those it does not.
            fn write_attrs(&self, node: &mut $crate::cxml::Node) {
                $( if let Some(v) = &self.$field {
                    node.attrs.push(($attr.to_owned(), $crate::cxml::AttrValue::write(v).into_owned()));
                } )*
                node.attrs.extend(self.extra.iter().cloned());
            }

            /// Reads the attributes it knows, and keeps the others in `extra`.
            fn read_attrs(&mut self, node: &$crate::cxml::Node) -> Result<(), $crate::cxml::CxmlError> {
                for (key, value) in &node.attrs {
                    match key.as_str() {
                        $( $attr => $crate::cxml::read_attr(node, $attr, value, &mut self.$field)?, )*
                        _ => self.extra.push((key.clone(), value.clone())),
                    }
                }
                Ok(())
            }
        }
    };
    (@struct $(#[$meta:meta])* $name:ident $xml:literal text { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub struct $name {
            /// What it holds.
            pub text: String,
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
            /// Attributes this crate does not know, kept as written.
            pub extra: Vec<(String, String)>,
        }

        impl $name {
            /// The element holding `text`.
            pub fn new(text: impl Into<String>) -> Self {
                Self { text: text.into(), ..Self::default() }
            }
        }

        $crate::cxml::element!(@attrs $name { $( $(#[$fmeta])* $field : $ty = $attr, )* });

        impl $crate::cxml::Element for $name {
            const NAME: &'static str = $xml;
            fn to_node(&self) -> $crate::cxml::Node {
                let mut node = $crate::cxml::Node::new($xml);
                self.write_attrs(&mut node);
                if !self.text.is_empty() {
                    node.children.push($crate::cxml::Child::Text(self.text.clone()));
                }
                node
            }
            fn from_node(node: &$crate::cxml::Node) -> Result<Self, $crate::cxml::CxmlError> {
                let mut out = Self::default();
                out.read_attrs(node)?;
                out.text = node.text()?;
                Ok(out)
            }
        }
    };
    (@struct $(#[$meta:meta])* $name:ident $xml:literal empty { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
            /// Attributes this crate does not know, kept as written.
            pub extra: Vec<(String, String)>,
        }

        impl $name {
            /// The element, with no attributes yet.
            pub fn new() -> Self {
                Self::default()
            }
        }

        $crate::cxml::element!(@attrs $name { $( $(#[$fmeta])* $field : $ty = $attr, )* });

        impl $crate::cxml::Element for $name {
            const NAME: &'static str = $xml;
            fn to_node(&self) -> $crate::cxml::Node {
                let mut node = $crate::cxml::Node::new($xml);
                self.write_attrs(&mut node);
                node
            }
            fn from_node(node: &$crate::cxml::Node) -> Result<Self, $crate::cxml::CxmlError> {
                let mut out = Self::default();
                out.read_attrs(node)?;
                node.empty()?;
                Ok(out)
            }
        }
    };
    (@struct $(#[$meta:meta])* $name:ident $xml:literal (text and children: $child:ident) { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        $crate::cxml::element!(@body $(#[$meta])* $name $xml $child { $( $(#[$fmeta])* $field : $ty = $attr, )* });

        impl $name {
            /// The element holding `text`.
            pub fn new(text: impl Into<String>) -> Self {
                let text = text.into();
                // No text is no content, as it reads back.
                let children = if text.is_empty() { Vec::new() } else { vec![$child::Text(text)] };
                Self { children, ..Self::default() }
            }

            /// Its text, without the elements inside it.
            pub fn text(&self) -> String {
                let mut out = String::new();
                for child in &self.children {
                    if let $child::Text(t) = child {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out.push_str(t);
                    }
                }
                out
            }
        }
    };
    (@struct $(#[$meta:meta])* $name:ident $xml:literal (children: $child:ty) { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        $crate::cxml::element!(@body $(#[$meta])* $name $xml $child { $( $(#[$fmeta])* $field : $ty = $attr, )* });

        impl $name {
            /// The element, empty and with no attributes yet.
            pub fn new() -> Self {
                Self::default()
            }
        }
    };
    (@body $(#[$meta:meta])* $name:ident $xml:literal $child:ty { $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $attr:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub struct $name {
            /// What it holds, in order.
            pub children: Vec<$child>,
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
            /// Attributes this crate does not know, kept as written.
            pub extra: Vec<(String, String)>,
        }

        impl $name {
            /// Adds what it holds next.
            pub fn push(mut self, child: impl Into<$child>) -> Self {
                self.children.push(child.into());
                self
            }
        }

        $crate::cxml::element!(@attrs $name { $( $(#[$fmeta])* $field : $ty = $attr, )* });

        impl $crate::cxml::Element for $name {
            const NAME: &'static str = $xml;
            fn to_node(&self) -> $crate::cxml::Node {
                let mut node = $crate::cxml::Node::new($xml);
                self.write_attrs(&mut node);
                node.children = self.children.iter().map($crate::cxml::ChildOf::to_child).collect();
                node
            }
            fn from_node(node: &$crate::cxml::Node) -> Result<Self, $crate::cxml::CxmlError> {
                let mut out = Self::default();
                out.read_attrs(node)?;
                out.children = <$child as $crate::cxml::ChildOf>::read_all(node)?;
                Ok(out)
            }
        }
    };
}
pub(crate) use element;

/// What may go inside an element: its elements, and text where it takes text.
pub(crate) trait ChildOf: Sized {
    fn to_child(&self) -> Child;
    fn read_all(parent: &Node) -> Result<Vec<Self>, CxmlError>;
}

/// An enum of the elements that may go inside another, with `From` for each; `text` names
/// the variant that holds bare text, where the parent takes it.
macro_rules! children {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $parent:literal {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty), )+
        }
        $( text $(#[$tmeta:meta])* $text:ident )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )+
            $( $(#[$tmeta])* $text(String), )?
        }

        $( impl From<$ty> for $name {
            fn from(value: $ty) -> Self {
                Self::$variant(value)
            }
        } )+

        impl $crate::cxml::ChildOf for $name {
            fn to_child(&self) -> $crate::cxml::Child {
                match self {
                    $( Self::$variant(v) => $crate::cxml::Child::Element($crate::cxml::Element::to_node(v)), )+
                    $( Self::$text(t) => $crate::cxml::Child::Text(t.clone()), )?
                }
            }
            fn read_all(parent: &$crate::cxml::Node) -> Result<Vec<Self>, $crate::cxml::CxmlError> {
                let mut out = Vec::new();
                for child in &parent.children {
                    match child {
                        $crate::cxml::Child::Text(t) if t.trim().is_empty() => {}
                        $crate::cxml::Child::Text(_t) => {
                            $( out.push(Self::$text(_t.trim().to_owned())); continue; )?
                            #[allow(unreachable_code)]
                            return Err(parent.error("takes elements, not text"));
                        }
                        $crate::cxml::Child::Element(node) => {
                            let known = [$( <$ty as $crate::cxml::Element>::NAME, )+];
                            out.push(match node.name.as_str() {
                                $( <$ty as $crate::cxml::Element>::NAME => Self::$variant(<$ty as $crate::cxml::Element>::from_node(node)?), )+
                                other => {
                                    // Names are case-sensitive, as SignalWire documents.
                                    let hint = known
                                        .iter()
                                        .find(|k| k.eq_ignore_ascii_case(other))
                                        .map(|k| format!(" (names are case-sensitive: <{k}>)"))
                                        .unwrap_or_default();
                                    return Err(node.error(format!(
                                        "<{other}> cannot go inside <{}>{hint}; it takes {}",
                                        parent.name,
                                        known.iter().map(|k| format!("<{k}>")).collect::<Vec<_>>().join(", "),
                                    )));
                                }
                            });
                        }
                    }
                }
                Ok(out)
            }
        }
    };
}
pub(crate) use children;

/// Replaces what XML 1.0 cannot hold even escaped (most control characters) with U+FFFD, so
/// that no text given breaks the document.
fn printable(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Text escaped for XML: `&`, `<` and `>`, and a carriage return, which a reader would
/// otherwise turn into a line feed, so that what is read back is what was written.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes a node and what it holds.
fn write_node(writer: &mut Writer<Vec<u8>>, node: &Node) -> std::io::Result<()> {
    let mut start = BytesStart::new(node.name.as_str());
    for (key, value) in &node.attrs {
        // quick-xml escapes an attribute's white space too, so that it reads back as written.
        start.push_attribute((key.as_str(), printable(value)));
    }
    if node.children.is_empty() {
        return writer.write_event(Event::Empty(start));
    }
    writer.write_event(Event::Start(start))?;
    for child in &node.children {
        match child {
            Child::Element(e) => write_node(writer, e)?,
            Child::Text(t) => {
                writer.write_event(Event::Text(BytesText::from_escaped(escaped(t))))?
            }
        }
    }
    writer.write_event(Event::End(BytesEnd::new(node.name.as_str())))
}

/// A document: the `<Response>` root and its verbs, with an XML declaration.
pub(crate) fn render(root: &Node, indent: bool) -> String {
    let mut writer = if indent {
        Writer::new_with_indent(Vec::new(), b' ', 2)
    } else {
        Writer::new(Vec::new())
    };
    // Writing to memory cannot fail.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = write_node(&mut writer, root);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: u64) -> u32 {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let lines = text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(lines).unwrap_or(u32::MAX).saturating_add(1)
}

/// Reads a document into its root node, checking that it is well-formed XML with one
/// `<Response>` root.
pub(crate) fn parse(text: &str) -> Result<Node, CxmlError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(CxmlError::new(
            1,
            None,
            format!(
                "the document has {} bytes; at most {MAX_DOCUMENT_BYTES} are read",
                text.len()
            ),
        ));
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            let line = line_of(text, reader.error_position());
            let element = stack.last().map(|n| n.name.as_str());
            CxmlError::new(line, element, format!("not well-formed XML: {e}"))
        })?;
        let line = line_of(text, at);
        let open = |start: &BytesStart<'_>| -> Result<Node, CxmlError> {
            let name = start.name().into_inner().to_owned();
            let mut node = Node {
                name,
                line,
                ..Node::default()
            };
            for attr in start.attributes() {
                let attr = attr.map_err(|e| node.error(format!("a malformed attribute: {e}")))?;
                let key = attr.key.into_inner().to_owned();
                let value = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| node.error(format!("attribute {key}: {e}")))?
                    .into_owned();
                if node.attrs.iter().any(|(k, _)| *k == key) {
                    return Err(node.error(format!("attribute {key} is given twice")));
                }
                node.attrs.push((key, value));
            }
            Ok(node)
        };
        let text_of = |stack: &mut Vec<Node>, piece: Cow<'_, str>| -> Result<(), CxmlError> {
            match stack.last_mut() {
                Some(node) => {
                    match node.children.last_mut() {
                        Some(Child::Text(t)) => t.push_str(&piece),
                        _ => node.children.push(Child::Text(piece.into_owned())),
                    }
                    Ok(())
                }
                None if piece.trim().is_empty() => Ok(()),
                None => Err(CxmlError::new(line, None, "text outside <Response>")),
            }
        };
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(CxmlError::new(line, None, "more than one root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(CxmlError::new(
                        line,
                        stack.last().map(|n| n.name.as_str()),
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let node = open(&start)?;
                stack.push(node);
            }
            Event::Empty(start) => {
                let node = open(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(node)),
                    None if root.is_none() => root = Some(node),
                    None => {
                        return Err(CxmlError::new(line, None, "more than one root element"));
                    }
                }
            }
            Event::End(_) => {
                let node = stack.pop().expect("quick-xml checks end names");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(node)),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let piece = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                text_of(&mut stack, piece)?;
            }
            Event::CData(t) => {
                let piece = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                text_of(&mut stack, piece)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            CxmlError::new(
                                line,
                                stack.last().map(|n| n.name.as_str()),
                                format!("&{}; is not an entity XML defines", &*r),
                            )
                        })?,
                    Err(e) => {
                        return Err(CxmlError::new(
                            line,
                            stack.last().map(|n| n.name.as_str()),
                            format!("a bad character reference: {e}"),
                        ));
                    }
                };
                text_of(&mut stack, Cow::Owned(resolved))?;
            }
            Event::DocType(_) => {
                return Err(CxmlError::new(line, None, "a DOCTYPE is not taken"));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(open.error("is not closed"));
    }
    let root = root.ok_or_else(|| CxmlError::new(1, None, "the document has no <Response>"))?;
    if root.name != "Response" {
        return Err(root.error("the root element must be <Response>"));
    }
    Ok(root)
}

/// A document of one channel: its `<Response>` and the verbs it may hold.
macro_rules! response {
    (
        $(#[$meta:meta])*
        pub struct $name:ident of $verb:ty;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub struct $name {
            /// The verbs, carried out in order.
            pub verbs: Vec<$verb>,
        }

        impl $name {
            /// An empty document: `<Response/>`.
            pub fn new() -> Self {
                Self::default()
            }

            /// Adds a verb.
            pub fn push(mut self, verb: impl Into<$verb>) -> Self {
                self.verbs.push(verb.into());
                self
            }

            /// The document as text, with its XML declaration, on one line.
            pub fn to_xml(&self) -> String {
                $crate::cxml::render(&self.root(), false)
            }

            /// The document as text, indented for people.
            pub fn to_pretty_xml(&self) -> String {
                $crate::cxml::render(&self.root(), true)
            }

            fn root(&self) -> $crate::cxml::Node {
                let mut root = $crate::cxml::Node::new("Response");
                root.children = self.verbs.iter().map($crate::cxml::ChildOf::to_child).collect();
                root
            }

            /// Reads a document, as SignalWire would: the first error says on which line
            /// and in which element it is.
            pub fn parse(text: &str) -> Result<Self, $crate::cxml::CxmlError> {
                let root = $crate::cxml::parse(text)?;
                if !root.attrs.is_empty() {
                    return Err(root.error("takes no attributes"));
                }
                Ok(Self { verbs: <$verb as $crate::cxml::ChildOf>::read_all(&root)? })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.to_xml())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::cxml::CxmlError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        #[cfg(feature = "axum")]
        impl ::axum::response::IntoResponse for $name {
            fn into_response(self) -> ::axum::response::Response {
                (
                    [(::axum::http::header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                    self.to_xml(),
                )
                    .into_response()
            }
        }
    };
}
pub(crate) use response;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(printable("a\u{7}b\tc"), "a\u{FFFD}b\tc");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
    }
}
