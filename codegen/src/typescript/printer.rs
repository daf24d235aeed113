//! The one place where TypeScript text is quoted, escaped, parenthesized and indented: it turns
//! the trees of [`super::ast`] into source. Emitters build trees, never text.
//!
//! One tree prints in three [`Mode`]s, so that a package ships what Node and bundlers run and
//! what TypeScript reads, with no compiler at generation time: TypeScript (the source), JavaScript
//! (every type erased: declarations of types, annotations, `as`, type arguments and type-only
//! imports) and declarations (`.d.ts`: types as they are, exported functions and constants as
//! signatures, the rest left out). The TypeScript mode prints erasable syntax only (no `enum`, no
//! parameter properties, no namespaces with values), which is what makes the JavaScript mode a
//! plain erasure.

use serde_json::Value;

use super::ast::{
    BinaryOp, Binding, Block, Expr, Function, ImportClause, Iteration, Key, Member, Param, Property, Specifier, Stmt,
    Type, UnaryOp,
};

/// Words that cannot be identifiers (ECMAScript reserved words, strict-mode and TypeScript ones).
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "any", "arguments", "as", "async", "await", "boolean", "break", "case", "catch", "class", "const", "constructor",
    "continue", "debugger", "declare", "default", "delete", "do", "else", "enum", "eval", "export", "extends",
    "false", "finally", "for", "from", "function", "get", "if", "implements", "import", "in", "infer", "instanceof",
    "interface", "is", "keyof", "let", "module", "namespace", "never", "new", "null", "number", "object", "of",
    "package", "private", "protected", "public", "readonly", "require", "return", "set", "static", "string", "super",
    "switch", "symbol", "this", "throw", "true", "try", "type", "typeof", "undefined", "unique", "unknown", "var",
    "void", "while", "with", "yield",
];

/// Names inherited from `Object.prototype`: `x[name]` is not `undefined` on a plain object.
#[rustfmt::skip]
pub const PROTOTYPE_NAMES: &[&str] = &[
    "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__", "constructor",
    "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
];

/// A string literal (JSON's escaping is valid TypeScript).
fn string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A JSON value as a TypeScript expression. Objects go through `JSON.parse` so that keys such as
/// `__proto__` stay data.
fn json(value: &Value) -> String {
    match value {
        Value::Object(_) | Value::Array(_) => format!("JSON.parse({})", string(&value.to_string())),
        other => other.to_string(),
    }
}

/// Whether `s` is a plain identifier (ASCII letters, digits, `_`, `$`; not a reserved word).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !RESERVED.contains(&s)
}

/// A property name in an object type or literal: bare when possible, quoted otherwise.
fn property_key(name: &str) -> String {
    let bare = {
        let mut chars = name.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    if bare { name.to_owned() } else { string(name) }
}

/// `object.name` or `object["name"]`.
fn member(object: &str, name: &str) -> String {
    if is_identifier(name) || (RESERVED.contains(&name) && property_key(name) == name) {
        format!("{object}.{name}")
    } else {
        format!("{object}[{}]", string(name))
    }
}

/// A JSDoc block for `text` (may be several lines), or nothing for empty text.
fn doc(text: &str, indent: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let text = text.replace("*/", "*\\/");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// What a tree prints as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// TypeScript source (`.ts`).
    #[default]
    TypeScript,
    /// JavaScript (`.js`): the TypeScript with every type erased.
    JavaScript,
    /// Declarations (`.d.ts`): types, and the signatures of exported functions and constants.
    /// An exported function or constant needs its type written out (a declaration infers nothing).
    Declarations,
}

/// A type, its object members one level deeper than `indent`.
pub fn print_type(ty: &Type, indent: &str) -> String {
    match ty {
        Type::Named(name) => name.clone(),
        Type::Qualified(namespace, name) => format!("{namespace}.{name}"),
        Type::Keyword(keyword) => (*keyword).to_owned(),
        Type::Literal(value) => match value {
            Value::Object(_) | Value::Array(_) => "unknown".to_owned(),
            other => json(other),
        },
        Type::Array(item) => match item.as_ref() {
            Type::Union(_) | Type::Intersection(_) | Type::Function(..) => format!("({})[]", print_type(item, indent)),
            _ => format!("{}[]", print_type(item, indent)),
        },
        Type::Tuple(items) => format!("[{}]", list(items.iter().map(|t| print_type(t, indent)), ", ")),
        Type::Union(types) => list(
            types.iter().map(|t| match t {
                Type::Function(..) => format!("({})", print_type(t, indent)),
                _ => print_type(t, indent),
            }),
            " | ",
        ),
        Type::Intersection(types) => list(
            types.iter().map(|t| match t {
                Type::Union(_) | Type::Function(..) => format!("({})", print_type(t, indent)),
                _ => print_type(t, indent),
            }),
            " & ",
        ),
        Type::Record(value) => format!("Record<string, {}>", print_type(value, indent)),
        Type::Generic(name, arguments) => {
            format!("{name}<{}>", list(arguments.iter().map(|t| print_type(t, indent)), ", "))
        }
        Type::TypeOf(name) => format!("typeof {name}"),
        Type::Predicate(parameter, ty) => format!("{parameter} is {}", print_type(ty, indent)),
        Type::Readonly(ty) => format!("readonly {}", print_type(ty, indent)),
        Type::Function(params, returns) => {
            let params = params.iter().map(|param| {
                let mark = if param.optional || param.default.is_some() { "?" } else { "" };
                let ty = param.ty.as_ref().map_or_else(|| "unknown".to_owned(), |ty| print_type(ty, indent));
                format!("{}{mark}: {ty}", param.name)
            });
            format!("({}) => {}", list(params, ", "), print_type(returns, indent))
        }
        Type::Row(properties) if properties.is_empty() => "{}".to_owned(),
        Type::Row(properties) => {
            format!("{{ {} }}", list(properties.iter().map(|p| property_signature(p, indent)), "; "))
        }
        Type::Object(properties) => object_type(properties, indent),
    }
}

/// An object type, one member per line (after its JSDoc) one level deeper than `indent`.
fn object_type(properties: &[Property], indent: &str) -> String {
    if properties.is_empty() {
        return "{}".to_owned();
    }
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for property in properties {
        out.push_str(&doc(&property.doc, &inner));
        out.push_str(&inner);
        out.push_str(&property_signature(property, &inner));
        out.push_str(";\n");
    }
    out.push_str(indent);
    out.push('}');
    out
}

/// `name?: Type` of an object type member.
fn property_signature(property: &Property, indent: &str) -> String {
    let mark = if property.optional { "?" } else { "" };
    format!("{}{mark}: {}", property_key(&property.name), print_type(&property.ty, indent))
}

fn list(items: impl Iterator<Item = String>, separator: &str) -> String {
    items.collect::<Vec<_>>().join(separator)
}

/// Statements as TypeScript source, starting at the left margin.
pub fn print(statements: &[Stmt]) -> String {
    print_as(statements, Mode::TypeScript)
}

/// A module's statements as text of `mode`. A JavaScript or declaration file that would have no
/// `import` or `export` ends with `export {};`, so that it stays a module.
pub fn print_as(statements: &[Stmt], mode: Mode) -> String {
    let mut printer = Printer { mode, ..Printer::default() };
    printer.statements(statements);
    if mode != Mode::TypeScript && !printer.module_syntax {
        printer.line("export {};");
    }
    while printer.text.ends_with("\n\n") {
        printer.text.pop();
    }
    printer.text
}

/// One expression as TypeScript source.
pub fn print_expr(expr: &Expr) -> String {
    Printer::default().expr(expr)
}

/// How tightly an expression binds (ECMAScript's operator precedence; higher binds tighter), as
/// printed in `mode` (JavaScript erases `as`).
fn precedence(expr: &Expr, mode: Mode) -> u8 {
    match expr {
        Expr::Arrow(..) | Expr::Assign(..) => 2,
        Expr::Conditional(..) => 3,
        Expr::Binary(_, op, _) => operator(*op).1,
        Expr::As(inner, _) if mode == Mode::JavaScript => precedence(inner, mode),
        Expr::As(..) => 10,
        Expr::Unary(..) => 15,
        Expr::Increment(..) => 16,
        Expr::Call(..) | Expr::Member(..) | Expr::Index(..) | Expr::New(..) => 19,
        Expr::Pure(inner) => precedence(inner, mode),
        _ => 20,
    }
}

/// The symbol and precedence of a binary operator.
fn operator(op: BinaryOp) -> (&'static str, u8) {
    match op {
        BinaryOp::Or => ("||", 4),
        BinaryOp::And => ("&&", 5),
        BinaryOp::StrictEq => ("===", 9),
        BinaryOp::StrictNe => ("!==", 9),
        BinaryOp::Lt => ("<", 10),
        BinaryOp::Gt => (">", 10),
        BinaryOp::Le => ("<=", 10),
        BinaryOp::Ge => (">=", 10),
        BinaryOp::Add => ("+", 12),
        BinaryOp::Mul => ("*", 13),
    }
}

/// Text at a depth of indentation (two spaces a level).
#[derive(Default)]
struct Printer {
    text: String,
    depth: usize,
    mode: Mode,
    /// Whether an `import` or `export` was printed.
    module_syntax: bool,
}

impl Printer {
    fn indent(&self) -> String {
        "  ".repeat(self.depth)
    }

    /// One line at the current depth (an empty line has no indentation).
    fn line(&mut self, line: &str) {
        if !line.is_empty() {
            for _ in 0..self.depth {
                self.text.push_str("  ");
            }
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    /// A printer for text at `depth`, in this printer's mode.
    fn at(&self, depth: usize) -> Printer {
        Printer { text: String::new(), depth, mode: self.mode, module_syntax: false }
    }

    /// Statements in order. A `Doc` goes with the statement after it (and is left out with it);
    /// an empty line is never printed first, after another or in place of what was left out.
    fn statements(&mut self, statements: &[Stmt]) {
        let mut doc: Option<&str> = None;
        for statement in statements {
            match statement {
                Stmt::Doc(text) => doc = Some(text),
                Stmt::Blank => {
                    if !(self.text.is_empty() || self.text.ends_with("\n\n") || self.text.ends_with("{\n")) {
                        self.text.push('\n');
                    }
                }
                other if !self.prints(other) => doc = None,
                other => {
                    if let Some(text) = doc.take() {
                        let block = self::doc(text, &self.indent());
                        self.text.push_str(&block);
                    }
                    self.statement(other, "");
                }
            }
        }
    }

    /// Whether `statement` prints anything in this mode.
    fn prints(&self, statement: &Stmt) -> bool {
        match (self.mode, statement) {
            (Mode::TypeScript, _) => true,
            (_, Stmt::Export(inner)) => match (self.mode, inner.as_ref()) {
                (Mode::JavaScript, inner) => self.prints(inner),
                _ => true,
            },
            (Mode::JavaScript, Stmt::Interface { .. } | Stmt::TypeAlias { .. } | Stmt::UnionAlias { .. }) => false,
            (Mode::JavaScript, Stmt::Import { type_only, clause, .. }) => {
                !type_only && !matches!(clause, ImportClause::Named(s) if s.iter().all(|s| s.type_only))
            }
            (Mode::JavaScript, Stmt::Reexport { type_only, .. }) => !type_only,
            (Mode::JavaScript, _) => true,
            // Declarations: types, type-only imports, re-exports and comments; nothing that runs.
            (_, Stmt::Interface { .. } | Stmt::TypeAlias { .. } | Stmt::UnionAlias { .. }) => true,
            (_, Stmt::Reexport { .. } | Stmt::Comment(_) | Stmt::Doc(_) | Stmt::Blank) => true,
            (_, Stmt::Import { type_only, clause, .. }) => match clause {
                ImportClause::Named(specifiers) => *type_only || specifiers.iter().any(|s| s.type_only),
                ImportClause::Namespace(_) => *type_only,
            },
            (_, _) => false,
        }
    }

    /// `statements` one level deeper.
    fn nested(&mut self, statements: &[Stmt]) {
        self.depth += 1;
        self.statements(statements);
        self.depth -= 1;
    }

    /// One statement; `prefix` goes in front of its first line (`export `).
    fn statement(&mut self, statement: &Stmt, prefix: &str) {
        match statement {
            Stmt::Expr(_) | Stmt::Let { .. } | Stmt::Return(_) | Stmt::Continue => {
                let text = self.simple(statement);
                self.line(&format!("{prefix}{text};"));
            }
            Stmt::If { test, then, otherwise } => {
                let head = format!("{prefix}if ({})", self.expr(test));
                match (then, otherwise) {
                    (Block::Lines(then), otherwise) => {
                        self.line(&format!("{head} {{"));
                        self.nested(then);
                        match otherwise {
                            None => self.line("}"),
                            Some(Block::Lines(otherwise)) => {
                                self.line("} else {");
                                self.nested(otherwise);
                                self.line("}");
                            }
                            Some(inline) => {
                                self.line("}");
                                let text = self.inline_block(inline);
                                self.line(&format!("else {text}"));
                            }
                        }
                    }
                    (inline, otherwise) => {
                        let mut text = format!("{head} {}", self.inline_block(inline));
                        if let Some(otherwise) = otherwise {
                            text.push_str(" else ");
                            text.push_str(&self.inline_block(otherwise));
                        }
                        self.line(&text);
                    }
                }
            }
            Stmt::For { .. } | Stmt::ForEach { .. } => {
                let (head, body) = self.loop_head(statement);
                self.body(format!("{prefix}{head}"), body);
            }
            Stmt::Block(statements) => {
                self.line(&format!("{prefix}{{"));
                self.nested(statements);
                self.line("}");
            }
            Stmt::Function(function) => self.function(function, prefix, "}"),
            Stmt::Interface { name, members } => {
                let body = object_type(members, &self.indent());
                self.line(&format!("{prefix}interface {name} {body}"));
            }
            Stmt::TypeAlias { name, ty } => {
                let ty = print_type(ty, &self.indent());
                self.line(&format!("{prefix}type {name} = {ty};"));
            }
            Stmt::UnionAlias { name, members } => {
                self.line(&format!("{prefix}type {name} ="));
                self.depth += 1;
                let indent = self.indent();
                for (index, member) in members.iter().enumerate() {
                    let end = if index + 1 == members.len() { ";" } else { "" };
                    self.line(&format!("| {}{end}", print_type(member, &indent)));
                }
                self.depth -= 1;
            }
            Stmt::Import { type_only, clause, from } => {
                self.module_syntax = true;
                // JavaScript keeps the values; declarations keep the types, as a type-only import.
                let (type_only, clause) = match (self.mode, clause) {
                    (Mode::TypeScript, clause) | (_, clause @ ImportClause::Namespace(_)) => {
                        (*type_only, clause.clone())
                    }
                    (Mode::JavaScript, ImportClause::Named(specifiers)) => {
                        (false, ImportClause::Named(specifiers.iter().filter(|s| !s.type_only).cloned().collect()))
                    }
                    (Mode::Declarations, ImportClause::Named(specifiers)) => {
                        let types = specifiers
                            .iter()
                            .filter(|s| *type_only || s.type_only)
                            .map(|s| Specifier { name: s.name.clone(), type_only: false });
                        (true, ImportClause::Named(types.collect()))
                    }
                };
                let clause = match clause {
                    ImportClause::Named(specifiers) => {
                        let names = specifiers
                            .iter()
                            .map(|s| if s.type_only { format!("type {}", s.name) } else { s.name.clone() });
                        format!("{{ {} }}", list(names, ", "))
                    }
                    ImportClause::Namespace(alias) => format!("* as {alias}"),
                };
                let kind = if type_only { "type " } else { "" };
                self.line(&format!("{prefix}import {kind}{clause} from {};", string(from)));
            }
            Stmt::Reexport { type_only, names, from } => {
                self.module_syntax = true;
                let kind = if *type_only { "type " } else { "" };
                let what = match names {
                    None => "*".to_owned(),
                    Some(names) => format!("{{ {} }}", names.join(", ")),
                };
                self.line(&format!("{prefix}export {kind}{what} from {};", string(from)));
            }
            Stmt::Export(inner) => {
                self.module_syntax = true;
                let prefix = match (self.mode, inner.as_ref()) {
                    (Mode::Declarations, Stmt::Function(_) | Stmt::Let { .. }) => format!("{prefix}export declare "),
                    _ => format!("{prefix}export "),
                };
                self.statement(inner, &prefix)
            }
            Stmt::Doc(text) => {
                let block = doc(text, &self.indent());
                self.text.push_str(&block);
            }
            Stmt::Comment(text) => {
                for line in text.lines() {
                    self.line(&if line.is_empty() { "//".to_owned() } else { format!("// {line}") });
                }
            }
            Stmt::Blank => self.text.push('\n'),
        }
    }

    /// A statement that fits on one line, without its `;`.
    fn simple(&self, statement: &Stmt) -> String {
        match statement {
            Stmt::Expr(expr) => self.expr(expr),
            Stmt::Let { binding, name, ty, init } => {
                let binding = match binding {
                    Binding::Const => "const",
                    Binding::Let => "let",
                };
                let mut text = format!("{binding} {name}{}", self.annotation(ty.as_ref()));
                if let (Some(init), false) = (init, self.mode == Mode::Declarations) {
                    text.push_str(" = ");
                    text.push_str(&self.expr(init));
                }
                text
            }
            Stmt::Return(expr) => format!("return {}", self.expr(expr)),
            Stmt::Continue => "continue".to_owned(),
            other => {
                let mut printer = self.at(0);
                printer.statement(other, "");
                printer.text.trim_end().to_owned()
            }
        }
    }

    /// A statement on the line of its head (`if (...) return false;`).
    fn inline(&self, statement: &Stmt) -> String {
        match statement {
            Stmt::Expr(_) | Stmt::Let { .. } | Stmt::Return(_) | Stmt::Continue => {
                format!("{};", self.simple(statement))
            }
            Stmt::If { test, then, otherwise } => {
                let mut text = format!("if ({}) {}", self.expr(test), self.inline_block(then));
                if let Some(otherwise) = otherwise {
                    text.push_str(" else ");
                    text.push_str(&self.inline_block(otherwise));
                }
                text
            }
            Stmt::For { .. } | Stmt::ForEach { .. } => {
                let (head, body) = self.loop_head(statement);
                format!("{head} {}", self.inline_block(body))
            }
            Stmt::Block(statements) => self.inline_statements(statements),
            other => self.simple(other),
        }
    }

    fn inline_block(&self, block: &Block) -> String {
        match block {
            Block::Inline(statements) if statements.len() == 1 => self.inline(&statements[0]),
            Block::Inline(statements) | Block::Lines(statements) => self.inline_statements(statements),
        }
    }

    /// `{ a; b; }` on one line.
    fn inline_statements(&self, statements: &[Stmt]) -> String {
        if statements.is_empty() {
            return "{}".to_owned();
        }
        format!("{{ {} }}", list(statements.iter().map(|s| self.inline(s)), " "))
    }

    /// The head of a loop (`for (...)`) and its body.
    fn loop_head<'s>(&self, statement: &'s Stmt) -> (String, &'s Block) {
        match statement {
            Stmt::For { init, test, update, body } => {
                let head = format!("for ({}; {}; {})", self.simple(init), self.expr(test), self.expr(update));
                (head, body)
            }
            Stmt::ForEach { name, iteration, object, body } => {
                let word = match iteration {
                    Iteration::In => "in",
                    Iteration::Of => "of",
                };
                (format!("for (const {name} {word} {})", self.expr(object)), body)
            }
            _ => unreachable!("loop_head is called on loops only"),
        }
    }

    fn body(&mut self, head: String, body: &Block) {
        match body {
            Block::Lines(statements) => {
                self.line(&format!("{head} {{"));
                self.nested(statements);
                self.line("}");
            }
            inline => {
                let text = self.inline_block(inline);
                self.line(&format!("{head} {text}"));
            }
        }
    }

    /// A function declaration (`close` = `}`) or a method (`close` = `},`); in declarations, its
    /// signature (a declaration infers nothing: the return type is written out).
    fn function(&mut self, function: &Function, prefix: &str, close: &str) {
        let block = doc(&function.doc, &self.indent());
        self.text.push_str(&block);
        let declaration = self.mode == Mode::Declarations;
        let asynchronous = if function.is_async && !declaration { "async " } else { "" };
        let keyword = if close == "}" { "function " } else { "" };
        let generics = match (self.mode, function.generics.is_empty()) {
            (Mode::JavaScript, _) | (_, true) => String::new(),
            _ => format!("<{}>", function.generics.join(", ")),
        };
        let head = format!(
            "{prefix}{asynchronous}{keyword}{}{generics}({}){}",
            function.name,
            self.params(&function.params),
            self.annotation(function.returns.as_ref())
        );
        if declaration {
            self.line(&format!("{head};"));
            return;
        }
        self.line(&format!("{head} {{"));
        self.nested(&function.body);
        self.line(close);
    }

    /// `: Type` after a constant or a signature: none in JavaScript, and `unknown` in declarations
    /// when the tree has none (a declaration infers nothing: what is exported writes its type out).
    fn annotation(&self, ty: Option<&Type>) -> String {
        match (self.mode, ty) {
            (Mode::JavaScript, _) | (Mode::TypeScript, None) => String::new(),
            (_, Some(ty)) => format!(": {}", print_type(ty, &self.indent())),
            (Mode::Declarations, None) => ": unknown".to_owned(),
        }
    }

    /// Parameters: `name?: Type = default` in TypeScript, `name = default` in JavaScript, and
    /// `name?: Type` in declarations (a default makes a parameter optional).
    fn params(&self, params: &[Param]) -> String {
        let params = params.iter().map(|param| {
            let mut text = param.name.clone();
            let optional = param.optional || (self.mode == Mode::Declarations && param.default.is_some());
            if optional && self.mode != Mode::JavaScript {
                text.push('?');
            }
            if let (Some(ty), false) = (&param.ty, self.mode == Mode::JavaScript) {
                text.push_str(": ");
                text.push_str(&print_type(ty, &self.indent()));
            }
            if let (Some(default), false) = (&param.default, self.mode == Mode::Declarations) {
                text.push_str(" = ");
                text.push_str(&self.operand(default, 2));
            }
            text
        });
        list(params, ", ")
    }

    /// `expr`, parenthesized when it binds less tightly than `min`.
    fn operand(&self, expr: &Expr, min: u8) -> String {
        let text = self.expr(expr);
        if precedence(expr, self.mode) < min { format!("({text})") } else { text }
    }

    fn expr(&self, expr: &Expr) -> String {
        match expr {
            Expr::Ident(name) => name.clone(),
            Expr::Str(text) => string(text),
            Expr::Json(value) => json(value),
            Expr::Member(object, name) => member(&self.operand(object, 19), name),
            Expr::Index(object, index) => format!("{}[{}]", self.operand(object, 19), self.expr(index)),
            Expr::Call(callee, arguments) => {
                format!("{}({})", self.operand(callee, 19), self.arguments(arguments))
            }
            Expr::New(class, types, arguments) => {
                let types = if types.is_empty() || self.mode == Mode::JavaScript {
                    String::new()
                } else {
                    format!("<{}>", list(types.iter().map(|t| print_type(t, &self.indent())), ", "))
                };
                format!("new {class}{types}({})", self.arguments(arguments))
            }
            Expr::Unary(op, operand) => {
                let symbol = match op {
                    UnaryOp::Not => "!",
                    UnaryOp::TypeOf => "typeof ",
                    UnaryOp::Await => "await ",
                };
                format!("{symbol}{}", self.operand(operand, 15))
            }
            Expr::Increment(target) => format!("{}++", self.operand(target, 17)),
            Expr::Binary(left, op, right) => {
                let (symbol, level) = operator(*op);
                // `&&` inside `||` is parenthesized for the reader (ESLint's `no-mixed-operators`).
                let side = |operand: &Expr, min: u8| match operand {
                    Expr::Binary(_, BinaryOp::And, _) if *op == BinaryOp::Or => format!("({})", self.expr(operand)),
                    _ => self.operand(operand, min),
                };
                format!("{} {symbol} {}", side(left, level), side(right, level + 1))
            }
            Expr::Assign(target, value) => format!("{} = {}", self.operand(target, 3), self.operand(value, 2)),
            Expr::Conditional(test, then, otherwise) => {
                format!("{} ? {} : {}", self.operand(test, 4), self.operand(then, 2), self.operand(otherwise, 2))
            }
            Expr::Array(items) => format!("[{}]", self.arguments(items)),
            Expr::Object(members) => self.object(members),
            Expr::ObjectLines(members) => self.object_lines(members),
            Expr::Arrow(params, body) => {
                let body = match body.as_ref() {
                    Expr::Object(_) | Expr::ObjectLines(_) => format!("({})", self.expr(body)),
                    other => self.operand(other, 2),
                };
                format!("({}) => {body}", self.params(params))
            }
            Expr::As(expr, _) if self.mode == Mode::JavaScript => self.expr(expr),
            Expr::As(expr, ty) => format!("{} as {}", self.operand(expr, 10), print_type(ty, &self.indent())),
            Expr::Paren(expr) => format!("({})", self.expr(expr)),
            Expr::Pure(expr) => format!("/* @__PURE__ */ {}", self.operand(expr, 19)),
        }
    }

    fn arguments(&self, arguments: &[Expr]) -> String {
        list(arguments.iter().map(|a| self.operand(a, 2)), ", ")
    }

    /// The key of an object literal's property. `__proto__` is computed (`["__proto__"]`): written
    /// as a name or a string, it sets the object's prototype instead of a property.
    fn key(key: &Key) -> String {
        match key {
            Key::Name(name) if name == "__proto__" => format!("[{}]", string(name)),
            Key::Name(name) => property_key(name),
            Key::Number(number) => number.to_string(),
        }
    }

    /// An object literal on one line (`{ a: b, c }`).
    fn object(&self, members: &[Member]) -> String {
        if members.is_empty() {
            return "{}".to_owned();
        }
        if members.iter().any(|m| matches!(m, Member::Method(_))) {
            return self.object_lines(members);
        }
        let members = members.iter().map(|member| match member {
            Member::Property(key, value) => format!("{}: {}", Self::key(key), self.operand(value, 2)),
            Member::Shorthand(name) => name.clone(),
            Member::Method(_) => String::new(),
        });
        format!("{{ {} }}", list(members, ", "))
    }

    /// An object literal with one member per line, each followed by a comma.
    fn object_lines(&self, members: &[Member]) -> String {
        let mut inner = self.at(self.depth + 1);
        for member in members {
            match member {
                Member::Property(key, value) => {
                    let text = format!("{}: {},", Self::key(key), inner.operand(value, 2));
                    inner.line(&text);
                }
                Member::Shorthand(name) => inner.line(&format!("{name},")),
                Member::Method(function) => inner.function(function, "", "},"),
            }
        }
        format!("{{\n{}{}}}", inner.text, self.indent())
    }
}

#[cfg(test)]
mod tests;
