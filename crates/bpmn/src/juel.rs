//! Translation of simple JUEL (Camunda 7 `${…}` / `#{…}`, and betsy's engine-neutral
//! condition text such as `integerVariable<3`) to FEEL.
//!
//! Covered: literals (numbers, `'…'`/`"…"` strings, `true`, `false`, `null`), variables and
//! property paths, `x[i]` (0-based list index → FEEL 1-based, `x['key']` → `x.key`),
//! `== != < > <= >=` and `eq ne lt gt le ge`, `&& || !` and `and or not`, `+ - * / %`
//! and `div mod`, unary `-`, `empty x` (→ `x = null`), `c ? a : b` (→ `if c then a else b`),
//! and the methods `contains`, `size`, `length`, `startsWith`, `endsWith`, `equals`,
//! `equalsIgnoreCase`, `toUpperCase`, `toLowerCase`, `toString`, plus
//! `execution.getVariable("x")` (→ `x`). Anything else (other method or function calls,
//! namespaced functions, lambdas, …) is reported as untranslatable.
//!
//! Composite templates (`"Hello ${name}"`) become FEEL string concatenation.

/// Translates a JUEL expression (the text inside `${…}`, or raw condition text) to FEEL.
pub(crate) fn translate(src: &str) -> Result<String, String> {
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err("the expression is empty".into());
    }
    let mut parser = Parser {
        toks: tokens,
        pos: 0,
    };
    let ast = parser.expr()?;
    if let Some(t) = parser.toks.get(parser.pos) {
        return Err(format!("unexpected {} after the expression", t.describe()));
    }
    let mut out = String::new();
    emit(&ast, &mut out);
    Ok(out)
}

/// Whether `text` contains a JUEL `${…}` or `#{…}` placeholder.
pub(crate) fn is_template(text: &str) -> bool {
    text.contains("${") || text.contains("#{")
}

/// Translates a JUEL template: a single `${expr}` becomes the FEEL translation of `expr`;
/// text mixed with placeholders becomes a FEEL string concatenation.
pub(crate) fn translate_template(text: &str) -> Result<String, String> {
    let segments = split_template(text)?;
    if let [Segment::Expr(inner)] = segments.as_slice() {
        return translate(inner);
    }
    let mut parts = Vec::new();
    for segment in &segments {
        match segment {
            Segment::Text(t) if t.is_empty() => {}
            Segment::Text(t) => parts.push(feel_string(t)),
            Segment::Expr(e) => parts.push(format!("string({})", translate(e)?)),
        }
    }
    if parts.is_empty() {
        return Ok(feel_string(""));
    }
    Ok(parts.join(" + "))
}

/// A FEEL string literal holding `s`.
pub(crate) fn feel_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, PartialEq)]
enum Segment {
    Text(String),
    Expr(String),
}

fn split_template(text: &str) -> Result<Vec<Segment>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\'
            && matches!(chars.get(i + 1), Some('$' | '#'))
            && chars.get(i + 2) == Some(&'{')
        {
            literal.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if (c == '$' || c == '#') && chars.get(i + 1) == Some(&'{') {
            let start = i + 2;
            let mut j = start;
            let mut depth = 0usize;
            let mut quote: Option<char> = None;
            let end = loop {
                let Some(&d) = chars.get(j) else {
                    return Err(format!("\"{c}{{\" is not closed by \"}}\""));
                };
                match (quote, d) {
                    (Some(_), '\\') => j += 1,
                    (Some(q), d) if d == q => quote = None,
                    (Some(_), _) => {}
                    (None, '\'' | '"') => quote = Some(d),
                    (None, '{') => depth += 1,
                    (None, '}') if depth == 0 => break j,
                    (None, '}') => depth -= 1,
                    (None, _) => {}
                }
                j += 1;
            };
            if !literal.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut literal)));
            }
            segments.push(Segment::Expr(chars[start..end].iter().collect()));
            i = end + 1;
            continue;
        }
        literal.push(c);
        i += 1;
    }
    if !literal.is_empty() {
        segments.push(Segment::Text(literal));
    }
    Ok(segments)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number {n}"),
            Tok::Str(s) => format!("string {}", feel_string(s)),
            Tok::Ident(i) => format!("\"{i}\""),
            Tok::Sym(s) => format!("\"{s}\""),
        }
    }
}

const SYMBOLS: [&str; 22] = [
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", "(", ")",
    "[", "]", ".", ",",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                return Err("numbers with an exponent are not supported".into());
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("a string literal is not closed".into()),
                    Some('\\') => {
                        match chars.get(i + 1) {
                            Some(&e @ ('\\' | '\'' | '"')) => s.push(e),
                            Some(&e) => {
                                s.push('\\');
                                s.push(e);
                            }
                            None => return Err("a string literal is not closed".into()),
                        }
                        i += 2;
                    }
                    Some(&d) if d == c => {
                        i += 1;
                        break;
                    }
                    Some(&d) => {
                        s.push(d);
                        i += 1;
                    }
                }
            }
            toks.push(Tok::Str(s));
            continue;
        }
        for sym in SYMBOLS {
            if sym
                .chars()
                .enumerate()
                .all(|(k, sc)| chars.get(i + k) == Some(&sc))
            {
                toks.push(Tok::Sym(sym));
                i += sym.len();
                continue 'outer;
            }
        }
        return Err(format!("unexpected character \"{c}\""));
    }
    Ok(toks)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn feel(self) -> &'static str {
        match self {
            Op::Or => "or",
            Op::And => "and",
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }

    fn prec(self) -> u8 {
        match self {
            Op::Or => 1,
            Op::And => 2,
            Op::Eq | Op::Ne | Op::Lt | Op::Gt | Op::Le | Op::Ge => 3,
            Op::Add | Op::Sub => 4,
            Op::Mul | Op::Div => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Ast {
    /// FEEL literal text (number, `true`, `false`, `null`).
    Lit(String),
    /// A string literal (unquoted contents).
    Str(String),
    Var(String),
    Path(Box<Ast>, String),
    Index(Box<Ast>, Box<Ast>),
    Func(&'static str, Vec<Ast>),
    Not(Box<Ast>),
    Neg(Box<Ast>),
    Bin(Op, Box<Ast>, Box<Ast>),
    If(Box<Ast>, Box<Ast>, Box<Ast>),
}

impl Ast {
    fn prec(&self) -> u8 {
        match self {
            Ast::If(..) => 0,
            Ast::Bin(op, ..) => op.prec(),
            Ast::Neg(_) => 6,
            _ => 7,
        }
    }
}

fn bin(op: Op, l: Ast, r: Ast) -> Ast {
    Ast::Bin(op, Box::new(l), Box::new(r))
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Result<Tok, String> {
        let t = self
            .toks
            .get(self.pos)
            .cloned()
            .ok_or_else(|| "unexpected end of the expression".to_string())?;
        self.pos += 1;
        Ok(t)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), String> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            match self.peek() {
                Some(t) => Err(format!("expected \"{sym}\" but found {}", t.describe())),
                None => Err(format!("expected \"{sym}\" at the end of the expression")),
            }
        }
    }

    /// Matches one of the operators in `table` (symbol or keyword form).
    fn op(&mut self, table: &[(&str, &str, Op)]) -> Option<Op> {
        for &(sym, word, op) in table {
            if self.eat_sym(sym) || (!word.is_empty() && self.eat_word(word)) {
                return Some(op);
            }
        }
        None
    }

    fn expr(&mut self) -> Result<Ast, String> {
        let cond = self.or()?;
        if self.eat_sym("?") {
            let then = self.expr()?;
            self.expect_sym(":")?;
            let otherwise = self.expr()?;
            return Ok(Ast::If(Box::new(cond), Box::new(then), Box::new(otherwise)));
        }
        Ok(cond)
    }

    fn or(&mut self) -> Result<Ast, String> {
        let mut l = self.and()?;
        while let Some(op) = self.op(&[("||", "or", Op::Or)]) {
            l = bin(op, l, self.and()?);
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Ast, String> {
        let mut l = self.eq()?;
        while let Some(op) = self.op(&[("&&", "and", Op::And)]) {
            l = bin(op, l, self.eq()?);
        }
        Ok(l)
    }

    fn eq(&mut self) -> Result<Ast, String> {
        let mut l = self.rel()?;
        while let Some(op) = self.op(&[("==", "eq", Op::Eq), ("!=", "ne", Op::Ne)]) {
            l = bin(op, l, self.rel()?);
        }
        Ok(l)
    }

    fn rel(&mut self) -> Result<Ast, String> {
        let mut l = self.add()?;
        while let Some(op) = self.op(&[
            ("<=", "le", Op::Le),
            (">=", "ge", Op::Ge),
            ("<", "lt", Op::Lt),
            (">", "gt", Op::Gt),
        ]) {
            l = bin(op, l, self.add()?);
        }
        Ok(l)
    }

    fn add(&mut self) -> Result<Ast, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.op(&[("+", "", Op::Add), ("-", "", Op::Sub)]) {
            l = bin(op, l, self.mul()?);
        }
        Ok(l)
    }

    fn mul(&mut self) -> Result<Ast, String> {
        let mut l = self.unary()?;
        loop {
            if let Some(op) = self.op(&[("*", "", Op::Mul), ("/", "div", Op::Div)]) {
                l = bin(op, l, self.unary()?);
            } else if self.eat_sym("%") || self.eat_word("mod") {
                l = Ast::Func("modulo", vec![l, self.unary()?]);
            } else {
                return Ok(l);
            }
        }
    }

    fn unary(&mut self) -> Result<Ast, String> {
        if self.eat_sym("!") || self.eat_word("not") {
            return Ok(Ast::Not(Box::new(self.unary()?)));
        }
        if self.eat_sym("-") {
            return Ok(Ast::Neg(Box::new(self.unary()?)));
        }
        if self.eat_word("empty") {
            return Ok(bin(Op::Eq, self.unary()?, Ast::Lit("null".into())));
        }
        self.postfix()
    }

    fn args(&mut self) -> Result<Vec<Ast>, String> {
        let mut args = Vec::new();
        if self.eat_sym(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat_sym(")") {
                return Ok(args);
            }
            self.expect_sym(",")?;
        }
    }

    fn postfix(&mut self) -> Result<Ast, String> {
        let mut e = self.primary()?;
        loop {
            if self.eat_sym(".") {
                let Tok::Ident(name) = self.next()? else {
                    return Err("expected a property or method name after \".\"".into());
                };
                if self.eat_sym("(") {
                    let args = self.args()?;
                    e = method(e, &name, args)?;
                } else {
                    e = Ast::Path(Box::new(e), name);
                }
            } else if self.eat_sym("[") {
                let index = self.expr()?;
                self.expect_sym("]")?;
                e = match index {
                    Ast::Str(key) if is_name(&key) => Ast::Path(Box::new(e), key),
                    Ast::Str(key) => Ast::Func("get value", vec![e, Ast::Str(key)]),
                    Ast::Lit(n) if n.chars().all(|c| c.is_ascii_digit()) => {
                        let one_based = n
                            .parse::<u64>()
                            .map_err(|_| format!("index {n} is too large"))?
                            + 1;
                        Ast::Index(Box::new(e), Box::new(Ast::Lit(one_based.to_string())))
                    }
                    other => Ast::Index(
                        Box::new(e),
                        Box::new(bin(Op::Add, other, Ast::Lit("1".into()))),
                    ),
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Ast, String> {
        match self.next()? {
            Tok::Num(n) => Ok(Ast::Lit(n)),
            Tok::Str(s) => Ok(Ast::Str(s)),
            Tok::Sym("(") => {
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Ident(w) => match w.as_str() {
                "true" | "false" | "null" => Ok(Ast::Lit(w)),
                "instanceof" | "and" | "or" | "eq" | "ne" | "lt" | "gt" | "le" | "ge" | "div"
                | "mod" => Err(format!("unexpected \"{w}\"")),
                _ if self.eat_sym("(") => {
                    Err(format!("the function \"{w}\" has no FEEL equivalent"))
                }
                _ if matches!(self.peek(), Some(Tok::Sym(":")))
                    && matches!(self.toks.get(self.pos + 1), Some(Tok::Ident(_))) =>
                {
                    Err(format!(
                        "namespaced functions (\"{w}:…\") are not supported"
                    ))
                }
                _ => Ok(Ast::Var(w)),
            },
            t => Err(format!("unexpected {}", t.describe())),
        }
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Translates `recv.name(args)` to a FEEL expression.
fn method(recv: Ast, name: &str, mut args: Vec<Ast>) -> Result<Ast, String> {
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "the method \"{name}\" takes {n} argument(s), found {}",
                args.len()
            ))
        }
    };
    match name {
        "contains" | "startsWith" | "endsWith" | "equals" | "equalsIgnoreCase" => {
            arity(1)?;
            let arg = args.remove(0);
            Ok(match name {
                "contains" => Ast::Func("contains", vec![recv, arg]),
                "startsWith" => Ast::Func("starts with", vec![recv, arg]),
                "endsWith" => Ast::Func("ends with", vec![recv, arg]),
                "equals" => bin(Op::Eq, recv, arg),
                _ => bin(
                    Op::Eq,
                    Ast::Func("lower case", vec![recv]),
                    Ast::Func("lower case", vec![arg]),
                ),
            })
        }
        "size" | "length" | "toUpperCase" | "toLowerCase" | "toString" => {
            arity(0)?;
            let f = match name {
                "size" => "count",
                "length" => "string length",
                "toUpperCase" => "upper case",
                "toLowerCase" => "lower case",
                _ => "string",
            };
            Ok(Ast::Func(f, vec![recv]))
        }
        "getVariable" if matches!(&recv, Ast::Var(v) if v == "execution" || v == "task") => {
            arity(1)?;
            match args.remove(0) {
                Ast::Str(var) if is_name(&var) => Ok(Ast::Var(var)),
                _ => Err("getVariable needs a literal variable name".into()),
            }
        }
        _ => Err(format!("the method \"{name}\" has no FEEL equivalent")),
    }
}

fn emit(a: &Ast, out: &mut String) {
    match a {
        Ast::Lit(l) => out.push_str(l),
        Ast::Str(s) => out.push_str(&feel_string(s)),
        Ast::Var(v) => out.push_str(v),
        Ast::Path(recv, name) => {
            emit_min(recv, 7, out);
            out.push('.');
            out.push_str(name);
        }
        Ast::Index(recv, index) => {
            emit_min(recv, 7, out);
            out.push('[');
            emit(index, out);
            out.push(']');
        }
        Ast::Func(name, args) => {
            out.push_str(name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(arg, out);
            }
            out.push(')');
        }
        Ast::Not(x) => {
            out.push_str("not(");
            emit(x, out);
            out.push(')');
        }
        Ast::Neg(x) => {
            out.push('-');
            emit_min(x, 7, out);
        }
        Ast::Bin(op, l, r) => {
            let p = op.prec();
            // Comparisons do not chain in FEEL: parenthesise a comparison operand.
            emit_min(l, if p == 3 { p + 1 } else { p }, out);
            out.push(' ');
            out.push_str(op.feel());
            out.push(' ');
            emit_min(r, p + 1, out);
        }
        Ast::If(c, t, e) => {
            out.push_str("if ");
            emit(c, out);
            out.push_str(" then ");
            emit(t, out);
            out.push_str(" else ");
            emit(e, out);
        }
    }
}

/// Emits `a`, in parentheses when it binds more loosely than `min`.
fn emit_min(a: &Ast, min: u8, out: &mut String) {
    if a.prec() < min {
        out.push('(');
        emit(a, out);
        out.push(')');
    } else {
        emit(a, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_table() {
        let table: &[(&str, &str)] = &[
            ("integerVariable<3", "integerVariable < 3"),
            ("integerVariable < 2", "integerVariable < 2"),
            ("test.contains(\"a\")", "contains(test, \"a\")"),
            ("test.contains('a')", "contains(test, \"a\")"),
            ("true", "true"),
            ("false", "false"),
            ("3", "3"),
            ("integerVariable", "integerVariable"),
            ("a == 1", "a = 1"),
            ("a != 'x'", "a != \"x\""),
            ("a eq b", "a = b"),
            ("a ne b", "a != b"),
            ("a lt 1 and b gt 2", "a < 1 and b > 2"),
            ("a le 1 or b ge 2", "a <= 1 or b >= 2"),
            ("a && b", "a and b"),
            ("a || b", "a or b"),
            ("a && b || c", "a and b or c"),
            ("a && (b || c)", "a and (b or c)"),
            ("!approved", "not(approved)"),
            ("not approved", "not(approved)"),
            ("!(a && b)", "not(a and b)"),
            ("empty list", "list = null"),
            ("not empty list", "not(list = null)"),
            ("items.size() > 2", "count(items) > 2"),
            ("name.length() == 0", "string length(name) = 0"),
            ("s.startsWith('x')", "starts with(s, \"x\")"),
            ("s.endsWith('x')", "ends with(s, \"x\")"),
            ("s.equals('x')", "s = \"x\""),
            (
                "s.equalsIgnoreCase('x')",
                "lower case(s) = lower case(\"x\")",
            ),
            ("s.toUpperCase()", "upper case(s)"),
            ("n.toString()", "string(n)"),
            ("execution.getVariable(\"amount\") > 10", "amount > 10"),
            ("order.customer.name", "order.customer.name"),
            ("list[0]", "list[1]"),
            ("map['key']", "map.key"),
            ("map['two words']", "get value(map, \"two words\")"),
            ("list[i]", "list[i + 1]"),
            ("a + b * c", "a + b * c"),
            ("(a + b) * c", "(a + b) * c"),
            ("a - (b - c)", "a - (b - c)"),
            ("a % 2 == 0", "modulo(a, 2) = 0"),
            ("a mod 2", "modulo(a, 2)"),
            ("a div 2", "a / 2"),
            ("-a", "-a"),
            ("-(a + 1)", "-(a + 1)"),
            (
                "x > 3 ? 'big' : 'small'",
                "if x > 3 then \"big\" else \"small\"",
            ),
            ("(x ? 1 : 2) + 1", "(if x then 1 else 2) + 1"),
            ("(a < b) == true", "(a < b) = true"),
            ("s == 'it\\'s'", "s = \"it's\""),
            ("s == \"say \\\"hi\\\"\"", "s = \"say \\\"hi\\\"\""),
            ("x == null", "x = null"),
            ("1.5 * x", "1.5 * x"),
        ];
        for (juel, feel) in table {
            assert_eq!(translate(juel).as_deref(), Ok(*feel), "JUEL: {juel}");
        }
    }

    #[test]
    fn untranslatable() {
        let table: &[(&str, &str)] = &[
            ("", "empty"),
            ("test.contains(\"a\")>", "end of the expression"),
            ("bpmn:getDataObject('approved')", "namespaced"),
            ("myBean.compute(x)", "\"compute\" has no FEEL equivalent"),
            ("compute(x)", "function \"compute\""),
            ("'open", "not closed"),
            ("a = 1", "\"=\""),
            ("a @ b", "unexpected character"),
            ("s.contains()", "takes 1 argument"),
            ("1e5", "exponent"),
            ("(a", "expected \")\""),
        ];
        for (juel, needle) in table {
            let err = translate(juel).expect_err(juel);
            assert!(err.contains(needle), "JUEL {juel:?}: {err}");
        }
    }

    #[test]
    fn templates() {
        let table: &[(&str, &str)] = &[
            ("${integerVariable}", "integerVariable"),
            ("#{a == 'x'}", "a = \"x\""),
            ("${a}${b}", "string(a) + string(b)"),
            ("Hello ${name}!", "\"Hello \" + string(name) + \"!\""),
            ("${m['}']}", "get value(m, \"}\")"),
            ("price: \\${x}", "\"price: ${x}\""),
        ];
        for (template, feel) in table {
            assert_eq!(
                translate_template(template).as_deref(),
                Ok(*feel),
                "template {template}"
            );
        }
        assert!(translate_template("${open").is_err());
        assert!(is_template("a ${b}"));
        assert!(is_template("#{b}"));
        assert!(!is_template("a $ {b}"));
    }

    #[test]
    fn feel_strings_are_escaped() {
        assert_eq!(feel_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
