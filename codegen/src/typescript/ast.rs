//! The TypeScript the emitters build: a small syntax tree of types, expressions and statements,
//! only as large as the emitters need (in the manner of openapi-typescript's `lib/ts.ts`).
//!
//! Nothing here is text: [`super::printer`] turns a tree into source, and it alone quotes,
//! escapes, parenthesizes and indents. Emitters build trees with the constructors below and never
//! paste TypeScript fragments together. One tree prints as TypeScript, as JavaScript (types
//! erased) and as declarations (`.d.ts`: signatures only): see [`super::printer::Mode`].

use serde_json::Value;

/// A TypeScript type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A type name in scope (`Project`, `ValidationError`).
    Named(String),
    /// A name inside a namespace import: `T.Project`.
    Qualified(String, String),
    /// `string`, `number`, `unknown`, `undefined`...
    Keyword(&'static str),
    /// A literal type (`"a"`, `1`, `true`, `null`).
    Literal(Value),
    Array(Box<Type>),
    Tuple(Vec<Type>),
    Union(Vec<Type>),
    Intersection(Vec<Type>),
    /// An object type, one member per line.
    Object(Vec<Property>),
    /// An object type on one line: `{ a: A; b: B }`.
    Row(Vec<Property>),
    /// `Record<string, T>`.
    Record(Box<Type>),
    /// A generic type applied to arguments: `Set<string>`, `Promise<T.Response>`.
    Generic(String, Vec<Type>),
    /// `typeof name`.
    TypeOf(String),
    /// A type predicate as a return type: `value is T.Project`.
    Predicate(String, Box<Type>),
    /// `readonly T` (of an array or tuple type).
    Readonly(Box<Type>),
    /// A function type: `(request: R, call?: C) => Promise<A>` (a parameter with a default is
    /// optional).
    Function(Vec<Param>, Box<Type>),
}

/// A member of an object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub name: String,
    pub optional: bool,
    pub ty: Type,
    /// JSDoc text (may be empty).
    pub doc: String,
}

impl Type {
    pub fn named(name: impl Into<String>) -> Self {
        Self::Named(name.into())
    }

    pub fn qualified(namespace: &str, name: impl Into<String>) -> Self {
        Self::Qualified(namespace.to_owned(), name.into())
    }

    pub fn generic(name: &str, arguments: Vec<Type>) -> Self {
        Self::Generic(name.to_owned(), arguments)
    }

    pub fn array(item: Type) -> Self {
        Self::Array(Box::new(item))
    }
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    StrictEq,
    StrictNe,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Mul,
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    TypeOf,
    Await,
}

/// A TypeScript expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A name in scope (`x`, `undefined`, `Number`).
    Ident(String),
    /// A string literal.
    Str(String),
    /// A JSON value: primitives as literals, objects and arrays through `JSON.parse`.
    Json(Value),
    /// `object.name` (or `object["name"]` when `name` is not an identifier).
    Member(Box<Expr>, String),
    /// `object[index]`.
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    /// `new Class<types>(arguments)`.
    New(String, Vec<Type>, Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    /// `target++`.
    Increment(Box<Expr>),
    Binary(Box<Expr>, BinaryOp, Box<Expr>),
    /// `target = value`.
    Assign(Box<Expr>, Box<Expr>),
    /// `test ? then : otherwise`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Array(Vec<Expr>),
    /// An object literal on one line: `{ a: b, c }`.
    Object(Vec<Member>),
    /// An object literal with one member per line (and trailing commas), such as one of methods.
    ObjectLines(Vec<Member>),
    /// `(parameters) => body`.
    Arrow(Vec<Param>, Box<Expr>),
    /// `expression as Type`.
    As(Box<Expr>, Type),
    /// Parentheses the printer would not need, kept for the reader.
    Paren(Box<Expr>),
    /// A call or `new` without side effects, marked `/* @__PURE__ */` so that bundlers drop it
    /// when its value is unused (a module-level constant, say).
    Pure(Box<Expr>),
}

/// A property key of an object literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A name, quoted when it is not a plain identifier.
    Name(String),
    /// A numeric key (`200: ...`).
    Number(u64),
}

/// A member of an object literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// `key: value`.
    Property(Key, Expr),
    /// `name` (for `name: name`).
    Shorthand(String),
    /// A method, preceded by its JSDoc.
    Method(Function),
}

/// A function parameter: `name?: Type = default`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Option<Type>,
    pub optional: bool,
    pub default: Option<Expr>,
}

impl Param {
    /// `name`, without a type (an arrow's parameter whose type TypeScript infers).
    pub fn untyped(name: &str) -> Self {
        Self { name: name.to_owned(), ty: None, optional: false, default: None }
    }

    /// `name: ty`.
    pub fn typed(name: &str, ty: Type) -> Self {
        Self { name: name.to_owned(), ty: Some(ty), optional: false, default: None }
    }

    /// `name?: ty`.
    pub fn optional(name: &str, ty: Type) -> Self {
        Self { optional: true, ..Self::typed(name, ty) }
    }

    /// `name: ty = default`.
    pub fn defaulted(name: &str, ty: Type, default: Expr) -> Self {
        Self { default: Some(default), ..Self::typed(name, ty) }
    }
}

/// A function declaration or a method.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// JSDoc text (may be empty).
    pub doc: String,
    pub is_async: bool,
    /// Type parameters, each as written between `<` and `>` (`const T extends readonly X[]`).
    pub generics: Vec<String>,
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Option<Type>,
    pub body: Vec<Stmt>,
}

/// The body of an `if` or a loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// `{`, one statement per line, `}`.
    Lines(Vec<Stmt>),
    /// On the line of its head: one statement as is, several inside `{ ... }`.
    Inline(Vec<Stmt>),
}

/// `const` or `let`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Const,
    Let,
}

/// `for ... in` or `for ... of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Iteration {
    In,
    Of,
}

/// One name of an `import { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Specifier {
    pub name: String,
    pub type_only: bool,
}

/// What an `import` binds.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportClause {
    /// `{ a, type B }`.
    Named(Vec<Specifier>),
    /// `* as T`.
    Namespace(String),
}

/// A TypeScript statement or declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Expr(Expr),
    /// `const name: ty = init;` (type and initializer optional).
    Let {
        binding: Binding,
        name: String,
        ty: Option<Type>,
        init: Option<Expr>,
    },
    Return(Expr),
    Continue,
    If {
        test: Expr,
        then: Block,
        otherwise: Option<Block>,
    },
    /// `for (init; test; update) body`.
    For {
        init: Box<Stmt>,
        test: Expr,
        update: Expr,
        body: Block,
    },
    /// `for (const name in/of object) body`.
    ForEach {
        name: String,
        iteration: Iteration,
        object: Expr,
        body: Block,
    },
    /// A bare block `{ ... }`.
    Block(Vec<Stmt>),
    Function(Function),
    /// `interface Name { ... }`.
    Interface {
        name: String,
        members: Vec<Property>,
    },
    /// `type Name = ty;`.
    TypeAlias {
        name: String,
        ty: Type,
    },
    /// `type Name =` then one `| member` per line.
    UnionAlias {
        name: String,
        members: Vec<Type>,
    },
    /// `import type? clause from "from";`.
    Import {
        type_only: bool,
        clause: ImportClause,
        from: String,
    },
    /// `export type? * from "from";` (`names: None`) or `export type? { names } from "from";`.
    Reexport {
        type_only: bool,
        names: Option<Vec<String>>,
        from: String,
    },
    /// `export` in front of a declaration.
    Export(Box<Stmt>),
    /// A JSDoc block for what follows (nothing when empty).
    Doc(String),
    /// `//` comment lines.
    Comment(String),
    /// An empty line (never two in a row, nor at the end of a file).
    Blank,
}

// Constructors, so that emitters read like the code they build.

impl Expr {
    pub fn ident(name: impl Into<String>) -> Self {
        Self::Ident(name.into())
    }

    pub fn str(text: impl Into<String>) -> Self {
        Self::Str(text.into())
    }

    pub fn int(value: u64) -> Self {
        Self::Json(Value::from(value))
    }

    pub fn bool(value: bool) -> Self {
        Self::Json(Value::Bool(value))
    }

    pub fn undefined() -> Self {
        Self::ident("undefined")
    }

    pub fn object(members: Vec<Member>) -> Self {
        Self::Object(members)
    }

    pub fn new(class: &str, types: Vec<Type>, arguments: Vec<Expr>) -> Self {
        Self::New(class.to_owned(), types, arguments)
    }

    pub fn conditional(test: Expr, then: Expr, otherwise: Expr) -> Self {
        Self::Conditional(Box::new(test), Box::new(then), Box::new(otherwise))
    }

    pub fn arrow(params: Vec<Param>, body: Expr) -> Self {
        Self::Arrow(params, Box::new(body))
    }

    pub fn member(self, name: &str) -> Self {
        Self::Member(Box::new(self), name.to_owned())
    }

    pub fn index(self, index: Expr) -> Self {
        Self::Index(Box::new(self), Box::new(index))
    }

    pub fn call(self, arguments: Vec<Expr>) -> Self {
        Self::Call(Box::new(self), arguments)
    }

    /// `self.name(arguments)`.
    pub fn method(self, name: &str, arguments: Vec<Expr>) -> Self {
        self.member(name).call(arguments)
    }

    pub fn type_of(self) -> Self {
        Self::Unary(UnaryOp::TypeOf, Box::new(self))
    }

    pub fn awaited(self) -> Self {
        Self::Unary(UnaryOp::Await, Box::new(self))
    }

    pub fn increment(self) -> Self {
        Self::Increment(Box::new(self))
    }

    pub fn paren(self) -> Self {
        Self::Paren(Box::new(self))
    }

    /// `/* @__PURE__ */ self` (a call or `new`).
    pub fn pure(self) -> Self {
        Self::Pure(Box::new(self))
    }

    pub fn as_type(self, ty: Type) -> Self {
        Self::As(Box::new(self), ty)
    }

    pub fn assign(self, value: Expr) -> Self {
        Self::Assign(Box::new(self), Box::new(value))
    }

    pub fn binary(self, op: BinaryOp, right: Expr) -> Self {
        Self::Binary(Box::new(self), op, Box::new(right))
    }

    pub fn or(self, right: Expr) -> Self {
        self.binary(BinaryOp::Or, right)
    }

    pub fn and(self, right: Expr) -> Self {
        self.binary(BinaryOp::And, right)
    }

    pub fn eq(self, right: Expr) -> Self {
        self.binary(BinaryOp::StrictEq, right)
    }

    pub fn ne(self, right: Expr) -> Self {
        self.binary(BinaryOp::StrictNe, right)
    }

    pub fn lt(self, right: Expr) -> Self {
        self.binary(BinaryOp::Lt, right)
    }

    pub fn gt(self, right: Expr) -> Self {
        self.binary(BinaryOp::Gt, right)
    }

    pub fn plus(self, right: Expr) -> Self {
        self.binary(BinaryOp::Add, right)
    }

    pub fn times(self, right: Expr) -> Self {
        self.binary(BinaryOp::Mul, right)
    }

    /// `a op b op c ...` (left-associative); `None` for no operands.
    pub fn chain(op: BinaryOp, operands: impl IntoIterator<Item = Expr>) -> Option<Self> {
        operands.into_iter().reduce(|left, right| left.binary(op, right))
    }

    /// The statement `self;`.
    pub fn stmt(self) -> Stmt {
        Stmt::Expr(self)
    }
}

/// `!expression` (call it as `expression.not()`, with `std::ops::Not` in scope).
impl std::ops::Not for Expr {
    type Output = Expr;

    fn not(self) -> Expr {
        Expr::Unary(UnaryOp::Not, Box::new(self))
    }
}

impl Member {
    /// `name: value`.
    pub fn property(name: &str, value: Expr) -> Self {
        Self::Property(Key::Name(name.to_owned()), value)
    }
}

impl Stmt {
    /// `if (test) { then }`.
    pub fn if_then(test: Expr, then: Vec<Stmt>) -> Self {
        Self::If { test, then: Block::Lines(then), otherwise: None }
    }

    /// `if (test) then;` on one line.
    pub fn if_inline(test: Expr, then: Stmt) -> Self {
        Self::If { test, then: Block::Inline(vec![then]), otherwise: None }
    }

    pub fn const_(name: &str, init: Expr) -> Self {
        Self::Let { binding: Binding::Const, name: name.to_owned(), ty: None, init: Some(init) }
    }

    pub fn let_(name: &str, init: Expr) -> Self {
        Self::Let { binding: Binding::Let, name: name.to_owned(), ty: None, init: Some(init) }
    }

    /// `const name: ty = init;`.
    pub fn const_typed(name: &str, ty: Type, init: Expr) -> Self {
        Self::Let { binding: Binding::Const, name: name.to_owned(), ty: Some(ty), init: Some(init) }
    }

    pub fn for_each(name: &str, iteration: Iteration, object: Expr, body: Block) -> Self {
        Self::ForEach { name: name.to_owned(), iteration, object, body }
    }

    pub fn export(self) -> Self {
        Self::Export(Box::new(self))
    }
}
