//! The generator of the differential fuzzer: from a seed, a random program of a small grammar
//! (see `README.md`), rendered twice, as Go and as Rust using godefer, so that both print the same
//! lines when run.
//!
//! ```
//! let (go, rust) = fuzz_go::generate(fuzz_go::program_seed(1, 0));
//! assert!(go.contains("func main()"));
//! assert!(rust.contains("#[godefer::func]"));
//! ```

use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------------
// The PRNG: SplitMix64.

/// A SplitMix64 generator: small, fast, and the same sequence on every platform.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0);
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// An index into `weights`, chosen with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        unreachable!()
    }
}

/// The seed of program `index` of a campaign started from `seed`: each program can be
/// regenerated on its own.
pub fn program_seed(seed: u64, index: u64) -> u64 {
    mix(mix(seed.wrapping_add(0x9E37_79B9_7F4A_7C15)) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

// ---------------------------------------------------------------------------------------------
// The grammar.

/// A whole program: functions `f0..fk` (`fi` calls only `fj` with `j > i`) and `main`.
#[derive(Clone, Debug)]
pub struct Program {
    pub funcs: Vec<Func>,
    pub main: Vec<MainCall>,
}

/// `func fI(n int) (r int)` / `#[godefer::func] fn f_i(n: i64) -> i64`, or without a result
/// (`void`): `func fI(n int)` / `#[godefer::func] fn f_i(n: i64)`.
#[derive(Clone, Debug)]
pub struct Func {
    pub void: bool,
    /// Rust only: a plain `fn`, without `#[godefer::func]` (only for bodies without defers and
    /// recovers).
    pub plain: bool,
    /// Ends with a terminating statement (`return e` or `panic(v)`), unless `void`.
    pub body: Vec<Stmt>,
    /// Rust only: the final `return e` is written as the tail expression `e`.
    pub tail_expr: bool,
    /// Rust only: a final panic statement is written without its semicolon (the tail).
    pub tail_panic: bool,
}

/// One call of `main`: `run("fI(N)", fI, N)`, which prints the result or the recovered value
/// (`runv` for a function without result, which prints `done`);
/// `thread` runs it in a goroutine / `std::thread::spawn` that main waits for.
#[derive(Clone, Debug)]
pub struct MainCall {
    pub func: usize,
    pub n: i64,
    pub thread: bool,
}

/// `fJ(n + off)`
#[derive(Clone, Copy, Debug)]
pub struct Call {
    pub callee: usize,
    pub off: i64,
}

/// Writes of the named result `r` (only inside deferred function literals).
#[derive(Clone, Copy, Debug)]
pub enum ROp {
    /// `r = v`
    Set(i64),
    /// `r = r + c`
    Add(i64),
    /// `r = (r*k + c) % 1000`
    MulAdd(i64, i64),
}

#[derive(Clone, Debug)]
pub enum Cond {
    /// `n > k`
    NGt(i64),
    /// `v == k` for a loop variable `v`
    VarEq(String, i64),
}

#[derive(Clone, Debug)]
pub enum PanicVal {
    /// `panic("s")`; Rust: `panic!("s")` if `macro_form`, else `std::panic::panic_any("s")`.
    Str { text: String, macro_form: bool },
    /// `panic(7)` / `std::panic::panic_any(7_i64)`
    Int(i64),
}

/// `if e := recover(); e != nil { Println(label, "recovered", e); [r = set]; [panic(..)] } [else { Println(else_label) }]`
#[derive(Clone, Debug)]
pub struct Recover {
    pub label: String,
    pub set: Option<i64>,
    pub repanic: Option<Repanic>,
    pub else_label: Option<String>,
}

/// How a recover block panics again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repanic {
    /// `panic(fmt.Sprint("re:", e))` / `std::panic::panic_any(format!("re:{}", show(&e)))`
    Wrapped,
    /// `panic(e)` / `std::panic::resume_unwind(e.into_payload())`: the same value
    Same,
}

/// How the Rust side writes a deferred function literal (the Go side is always
/// `defer func() { ... }()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitStyle {
    /// `defer!(move || { ... })` (or `move |ret: &mut i64|` when it writes the result)
    Move,
    /// `defer!(|| { ... })`: borrows `n`; only at the top level of a function body
    Ref,
    /// `defer! { ... }`: only for literals without defers, returns or uses of `r`
    Block,
}

#[derive(Clone, Debug)]
pub struct Lit {
    pub body: Vec<Stmt>,
    pub style: LitStyle,
    /// Rust only: a literal with the result as a parameter writes it `|ret|`, not
    /// `|ret: &mut i64|`.
    pub untyped_ret: bool,
    /// Rust only: a final `if`, `if let`, `for`, `match` or block of the body is followed by `;` (a statement, not the
    /// closure's tail expression).
    pub tail_semi: bool,
}

#[derive(Clone, Debug)]
pub enum Deferred {
    /// `defer fmt.Println("l")`
    Print(String),
    /// `defer fmt.Println("l", i)`
    PrintVar(String, String),
    /// `defer fmt.Println("l", fJ(n+c))`: the call runs at the defer statement
    PrintCall(String, Call),
    /// `defer fmt.Println("l x", x)`: `x` is read at the defer statement
    PrintX(String),
    /// `defer X(x).show("l")`: a method with a value receiver, copied at the defer statement
    /// (Rust: `defer!(X(x.get()).show("l"))`)
    ShowX(String),
    /// `defer (*X)(&x).bump("l")`: a method with a pointer receiver, which adds 1 to `x` and
    /// prints it (Rust: `defer!(x.bump("l"))`, `x: &Cell<i64>`, the reference copied)
    BumpX(String),
    /// `defer func(v int) { fmt.Println("l", v) }(a)`, or `{ fJ(v) }` with `Some(J)`: a literal
    /// with a parameter, the argument (`n+c`, `x` or a loop variable) evaluated at the defer
    /// statement
    LitArg(String, Arg, Option<usize>),
    /// `defer fJ(n+c)`
    Call(Call),
    /// `defer panic(v)`
    Panic(PanicVal),
    /// `defer recover()` (function bodies only: recovers nothing in both)
    RecoverBuiltin,
    /// `defer func() { ... }()`
    Lit(Lit),
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// `fmt.Println("l")`
    Print(String),
    /// `fmt.Println("l", i)`
    PrintVar(String, String),
    /// `fmt.Println("l r", r)` (literals only)
    PrintR(String),
    /// `fmt.Println("l", fJ(n+c))`
    PrintCall(String, Call),
    /// `fJ(n+c)`
    CallStmt(Call),
    /// a write of `r` (literals only)
    SetR(ROp),
    Defer(Deferred),
    If(Cond, Vec<Stmt>),
    /// `for v := 0; v < k; v++ { ... }`
    Loop(String, i64, Vec<Stmt>),
    /// ends its block
    Panic(PanicVal),
    /// `return e` in a function, `return` in a literal; ends its block
    Return(Option<Expr>),
    /// a recover block (literals only, called directly by the deferred literal)
    Recover(Recover),
    /// `switch x { case a: ... default: ... }` / `match x { a => { ... } _ => { ... } }` on `n`
    /// or a loop variable (distinct case values; never a `break` inside)
    Switch(String, Vec<(i64, Vec<Stmt>)>, Option<Vec<Stmt>>),
    /// a bare block `{ ... }`
    Block(Vec<Stmt>),
    /// `continue` (ends its block; only in a loop of the same function or literal)
    Continue,
    /// `break` (ends its block; only in a loop, not inside a switch of that loop)
    Break,
    /// `fJ(n+c)` run by `run("l", fJ, n+c)` in a goroutine / thread that is waited for at once
    Spawn(String, Call),
    /// `fmt.Println("l x", x)` for the function's local `x` (Rust: `x: &Cell<i64>`)
    PrintX(String),
    /// a write of `x`
    SetX(ROp),
    /// a function literal called at once: `func() { ... }()` / `(move || { ... })()`; no `r`
    /// and no direct `recover()` in it
    Invoke(Lit),
}

/// `(t1 + t2 + c) % 1000` when a term is a call, else `n + c` / `c`.
#[derive(Clone, Debug)]
pub struct Expr {
    pub terms: Vec<Term>,
    pub c: i64,
}

/// The argument of a deferred literal with a parameter.
#[derive(Clone, Debug)]
pub enum Arg {
    /// `n+c`
    N(i64),
    X,
    Var(String),
}

#[derive(Clone, Copy, Debug)]
pub enum Term {
    N,
    X,
    Call(Call),
}

// ---------------------------------------------------------------------------------------------
// Generation.

/// The bounds of a generated program.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_funcs: usize,
    pub max_stmts: usize,
    /// Nesting of `if`, `for` and function literals.
    pub max_depth: u32,
    /// Nesting of deferred function literals.
    pub max_lit_depth: u32,
    /// Upper bound of the lines one call of a function may print (calls counted as lines).
    pub budget: u64,
    /// Generate nothing that meets godefer's documented difference from Go (`recover` in a
    /// `#[godefer::func]` reached through a deferred call that is a plain function recovers; Go
    /// returns nil): see README.md.
    pub avoid_known_bugs: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_funcs: 6,
            max_stmts: 7,
            max_depth: 3,
            max_lit_depth: 2,
            budget: 50,
            avoid_known_bugs: false,
        }
    }
}

#[derive(Clone)]
struct Ctx {
    depth: u32,
    lit_depth: u32,
    in_lit: bool,
    /// Loop variables in scope (never those of a loop outside the innermost literal).
    vars: Vec<String>,
    /// Directly in the top-level block of a function body.
    top: bool,
    /// Product of the iteration counts of the enclosing loops.
    mult: u64,
    /// In a loop of the current function or literal (`continue` allowed).
    in_loop: bool,
    /// In a loop, and no `switch` between it and here (`break` allowed).
    breakable: bool,
    /// `r` may be used (in a deferred literal of a function with a result).
    r_ok: bool,
    /// `recover()` may be called (directly in a deferred literal).
    recover_ok: bool,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    limits: Limits,
    nfuncs: usize,
    func: usize,
    /// Costs of the functions generated so far (indexed by function).
    cost: Vec<u64>,
    /// Which functions have no result.
    void: Vec<bool>,
    remaining: u64,
    labels: u32,
}

impl Gen<'_> {
    fn label(&mut self) -> String {
        self.labels += 1;
        format!("f{}.{}", self.func, self.labels)
    }

    fn spend(&mut self, c: u64, ctx: &Ctx) {
        self.remaining = self.remaining.saturating_sub(c.saturating_mul(ctx.mult));
    }

    fn affordable(&self, c: u64, ctx: &Ctx) -> bool {
        c.saturating_mul(ctx.mult) <= self.remaining
    }

    /// A call of a higher-numbered function (with a result if `value`) that fits in the
    /// budget, if any.
    fn call(&mut self, ctx: &Ctx, value: bool) -> Option<Call> {
        if self.func + 1 >= self.nfuncs {
            return None;
        }
        for _ in 0..3 {
            let callee = self.rng.range(self.func as i64 + 1, self.nfuncs as i64 - 1) as usize;
            if value && self.void[callee] {
                continue;
            }
            let c = 1 + self.cost[callee];
            if self.affordable(c, ctx) {
                self.spend(c, ctx);
                let off = self.rng.range(-1, 2);
                return Some(Call { callee, off });
            }
        }
        None
    }

    fn panic_val(&mut self) -> PanicVal {
        if self.rng.chance(35) {
            PanicVal::Int(self.rng.range(1, 99))
        } else {
            let text = format!("{}!", self.label());
            PanicVal::Str {
                text,
                macro_form: self.rng.chance(50),
            }
        }
    }

    fn expr(&mut self, ctx: &Ctx) -> Expr {
        let mut terms = Vec::new();
        for _ in 0..self.rng.range(0, 2) {
            if self.rng.chance(25) {
                terms.push(Term::N);
            } else if self.rng.chance(20) {
                terms.push(Term::X);
            } else if let Some(c) = self.call(ctx, true) {
                terms.push(Term::Call(c));
            }
        }
        Expr {
            terms,
            c: self.rng.range(0, 9),
        }
    }

    fn rop(&mut self) -> ROp {
        match self.rng.below(3) {
            0 => ROp::Set(self.rng.range(-5, 50)),
            1 => ROp::Add(self.rng.range(1, 9)),
            _ => ROp::MulAdd(self.rng.range(2, 3), self.rng.range(0, 9)),
        }
    }

    fn func(&mut self, i: usize) -> Func {
        self.func = i;
        self.labels = 0;
        self.remaining = self.limits.budget;
        let void = self.void[i];
        let ctx = Ctx {
            depth: 0,
            lit_depth: 0,
            in_lit: false,
            vars: Vec::new(),
            top: true,
            mult: 1,
            in_loop: false,
            breakable: false,
            r_ok: !void,
            recover_ok: true,
        };
        // Now and then a long function: more defers than Go open-codes.
        let max = if self.rng.chance(20) {
            self.limits.max_stmts * 2
        } else {
            self.limits.max_stmts
        };
        let n = self.rng.range(1, max as i64) as usize;
        let mut body = self.block(&ctx, n);
        let x = self.rng.below(100);
        if x < 15 {
            let v = self.panic_val();
            body.push(Stmt::Panic(v));
        } else if !void {
            let e = self.expr(&ctx);
            body.push(Stmt::Return(Some(e)));
        } else if x < 50 {
            body.push(Stmt::Return(None));
        }
        self.cost[i] = self.limits.budget - self.remaining;
        let plain =
            !self.limits.avoid_known_bugs && !has_defer_or_recover(&body) && self.rng.chance(50);
        Func {
            void,
            plain,
            body,
            tail_expr: self.rng.chance(60),
            tail_panic: self.rng.chance(50),
        }
    }

    fn block(&mut self, ctx: &Ctx, n: usize) -> Vec<Stmt> {
        (0..n).map(|_| self.stmt(ctx)).collect()
    }

    /// An optional terminating statement for the block of an `if` or a `case`.
    fn terminator(&mut self, ctx: &Ctx) -> Option<Stmt> {
        let x = self.rng.below(100);
        if ctx.in_loop && x < 10 {
            Some(if ctx.breakable && self.rng.chance(50) {
                Stmt::Break
            } else {
                Stmt::Continue
            })
        } else if x < 25 {
            Some(Stmt::Return(if ctx.in_lit || self.void[self.func] {
                None
            } else {
                Some(self.expr(ctx))
            }))
        } else if x < 37 {
            Some(Stmt::Panic(self.panic_val()))
        } else {
            None
        }
    }

    fn stmt(&mut self, ctx: &Ctx) -> Stmt {
        const PRINT: usize = 0;
        const PRINT_VAR: usize = 1;
        const PRINT_CALL: usize = 2;
        const CALL: usize = 3;
        const DEFER_PRINT: usize = 4;
        const DEFER_PRINT_VAR: usize = 5;
        const DEFER_PRINT_CALL: usize = 6;
        const DEFER_CALL: usize = 7;
        const DEFER_PANIC: usize = 8;
        const DEFER_RECOVER: usize = 9;
        const DEFER_LIT: usize = 10;
        const IF: usize = 11;
        const LOOP: usize = 12;
        const PRINT_R: usize = 13;
        const SET_R: usize = 14;
        const RECOVER: usize = 15;
        const SWITCH: usize = 16;
        const BLOCK: usize = 17;
        const SPAWN: usize = 18;
        const PRINT_X: usize = 19;
        const SET_X: usize = 20;
        const DEFER_PRINT_X: usize = 21;
        const INVOKE: usize = 22;
        const DEFER_LIT_ARG: usize = 23;
        const DEFER_METHOD: usize = 24;
        let has_var = !ctx.vars.is_empty();
        let has_callee = self.func + 1 < self.nfuncs;
        let nest = ctx.depth < self.limits.max_depth;
        let lit = ctx.in_lit;
        let lits = nest && ctx.lit_depth < self.limits.max_lit_depth;
        let w = |on: bool, w: u32| if on { w } else { 0 };
        let weights = [
            8,
            w(has_var, 6),
            w(has_callee, 5),
            w(has_callee, 2),
            8,
            w(has_var, 6),
            w(has_callee, 2),
            w(has_callee, 4),
            if lit { 1 } else { 3 },
            // Go's `defer recover()` recovers when its function is itself a deferred call
            // (`defer func() { defer recover() }()`, `defer helper()`): godefer does too now.
            w(true, 2),
            w(lits, 16),
            w(nest, 6),
            w(nest, 5),
            w(lit && ctx.r_ok, 5),
            w(lit && ctx.r_ok, 8),
            w(ctx.recover_ok, if lit { 8 } else { 2 }),
            w(nest, 3),
            w(nest, 2),
            w(has_callee, 2),
            3,
            3,
            3,
            w(lits, 3),
            3,
            3,
        ];
        let kind = self.rng.weighted(&weights);
        let prints = matches!(
            kind,
            PRINT
                | PRINT_VAR
                | DEFER_PRINT
                | DEFER_PRINT_VAR
                | PRINT_R
                | PRINT_X
                | DEFER_PRINT_X
                | DEFER_LIT_ARG
                | DEFER_METHOD
                | RECOVER
        );
        if prints && !self.affordable(2, ctx) {
            // Over budget (a long loop): a statement that prints nothing.
            return Stmt::SetX(self.rop());
        }
        match kind {
            PRINT_VAR | DEFER_PRINT_VAR => {
                let v = ctx.vars[self.rng.below(ctx.vars.len() as u64) as usize].clone();
                let l = self.label();
                self.spend(1, ctx);
                if kind == PRINT_VAR {
                    Stmt::PrintVar(l, v)
                } else {
                    Stmt::Defer(Deferred::PrintVar(l, v))
                }
            }
            PRINT_CALL | CALL | DEFER_PRINT_CALL | DEFER_CALL => {
                let value = matches!(kind, PRINT_CALL | DEFER_PRINT_CALL);
                let Some(c) = self.call(ctx, value) else {
                    let l = self.label();
                    self.spend(1, ctx);
                    return Stmt::Print(l);
                };
                match kind {
                    PRINT_CALL => {
                        self.spend(1, ctx);
                        Stmt::PrintCall(self.label(), c)
                    }
                    CALL => Stmt::CallStmt(c),
                    DEFER_PRINT_CALL => {
                        self.spend(1, ctx);
                        Stmt::Defer(Deferred::PrintCall(self.label(), c))
                    }
                    _ => Stmt::Defer(Deferred::Call(c)),
                }
            }
            DEFER_PRINT => {
                self.spend(1, ctx);
                Stmt::Defer(Deferred::Print(self.label()))
            }
            DEFER_PANIC => Stmt::Defer(Deferred::Panic(self.panic_val())),
            DEFER_RECOVER => Stmt::Defer(Deferred::RecoverBuiltin),
            DEFER_LIT => Stmt::Defer(Deferred::Lit(self.lit(ctx))),
            IF => {
                let cond = if has_var && self.rng.chance(40) {
                    let v = ctx.vars[self.rng.below(ctx.vars.len() as u64) as usize].clone();
                    Cond::VarEq(v, self.rng.range(0, 2))
                } else {
                    Cond::NGt(self.rng.range(-1, 4))
                };
                let inner = Ctx {
                    depth: ctx.depth + 1,
                    top: false,
                    ..ctx.clone()
                };
                let n = self.rng.range(1, 3) as usize;
                let mut body = self.block(&inner, n);
                body.extend(self.terminator(&inner));
                Stmt::If(cond, body)
            }
            LOOP => {
                // Now and then a long loop: many heap records (the pools refill and spill).
                let k = if self.rng.chance(12) {
                    self.rng.range(4, 40)
                } else {
                    self.rng.range(1, 3)
                };
                let var = ["i", "j", "k", "m", "q"][ctx.vars.len()].to_string();
                let mut inner = Ctx {
                    depth: ctx.depth + 1,
                    top: false,
                    mult: ctx.mult * k as u64,
                    in_loop: true,
                    breakable: true,
                    ..ctx.clone()
                };
                inner.vars.push(var.clone());
                let n = self.rng.range(1, 3) as usize;
                let body = self.block(&inner, n);
                Stmt::Loop(var, k, body)
            }
            SWITCH => {
                let subject = if has_var && self.rng.chance(40) {
                    ctx.vars[self.rng.below(ctx.vars.len() as u64) as usize].clone()
                } else {
                    "n".to_string()
                };
                let inner = Ctx {
                    depth: ctx.depth + 1,
                    top: false,
                    breakable: false,
                    ..ctx.clone()
                };
                let mut values: Vec<i64> = Vec::new();
                for _ in 0..self.rng.range(1, 3) {
                    let v = self.rng.range(0, 4);
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                let mut arms = Vec::new();
                for v in values {
                    let n = self.rng.range(0, 2) as usize;
                    let mut body = self.block(&inner, n);
                    body.extend(self.terminator(&inner));
                    arms.push((v, body));
                }
                let default = if self.rng.chance(50) {
                    let n = self.rng.range(0, 2) as usize;
                    let mut body = self.block(&inner, n);
                    body.extend(self.terminator(&inner));
                    Some(body)
                } else {
                    None
                };
                Stmt::Switch(subject, arms, default)
            }
            BLOCK => {
                let inner = Ctx {
                    depth: ctx.depth + 1,
                    top: false,
                    ..ctx.clone()
                };
                let n = self.rng.range(1, 3) as usize;
                Stmt::Block(self.block(&inner, n))
            }
            SPAWN => {
                let Some(c) = self.call(ctx, false) else {
                    let l = self.label();
                    self.spend(1, ctx);
                    return Stmt::Print(l);
                };
                self.spend(1, ctx);
                Stmt::Spawn(self.label(), c)
            }
            PRINT_R => {
                self.spend(1, ctx);
                Stmt::PrintR(self.label())
            }
            PRINT_X => {
                self.spend(1, ctx);
                Stmt::PrintX(self.label())
            }
            DEFER_PRINT_X => {
                self.spend(1, ctx);
                Stmt::Defer(Deferred::PrintX(self.label()))
            }
            SET_X => Stmt::SetX(self.rop()),
            DEFER_LIT_ARG => {
                self.spend(1, ctx);
                let arg = match self.rng.below(3) {
                    0 if has_var => {
                        Arg::Var(ctx.vars[self.rng.below(ctx.vars.len() as u64) as usize].clone())
                    }
                    1 => Arg::X,
                    _ => Arg::N(self.rng.range(-1, 2)),
                };
                // A literal called in the defer statement is the deferred function itself:
                // a godefer function it calls gets `None` from `recover`, as in Go.
                let call = if self.rng.chance(50) {
                    None
                } else {
                    self.call(ctx, false).map(|c| c.callee)
                };
                Stmt::Defer(Deferred::LitArg(self.label(), arg, call))
            }
            INVOKE => Stmt::Invoke(self.invoked(ctx)),
            DEFER_METHOD => {
                self.spend(1, ctx);
                let l = self.label();
                Stmt::Defer(if self.rng.chance(50) {
                    Deferred::ShowX(l)
                } else {
                    Deferred::BumpX(l)
                })
            }
            SET_R => Stmt::SetR(self.rop()),
            RECOVER => {
                self.spend(2, ctx);
                Stmt::Recover(self.recover(ctx))
            }
            PRINT => {
                self.spend(1, ctx);
                Stmt::Print(self.label())
            }
            _ => unreachable!("no statement kind {kind}"),
        }
    }

    fn recover(&mut self, ctx: &Ctx) -> Recover {
        Recover {
            label: self.label(),
            set: if ctx.in_lit && ctx.r_ok && self.rng.chance(50) {
                Some(self.rng.range(-9, 99))
            } else {
                None
            },
            repanic: match self.rng.below(100) {
                0..=14 => Some(Repanic::Wrapped),
                15..=21 => Some(Repanic::Same),
                _ => None,
            },
            else_label: if self.rng.chance(25) {
                Some(self.label())
            } else {
                None
            },
        }
    }

    /// A function literal called at once.
    fn invoked(&mut self, ctx: &Ctx) -> Lit {
        let inner = Ctx {
            depth: ctx.depth + 1,
            lit_depth: ctx.lit_depth + 1,
            in_lit: true,
            vars: Vec::new(),
            top: false,
            mult: ctx.mult,
            in_loop: false,
            breakable: false,
            // It runs in the body (where Rust has no `ret`), and `recover()` called by it is
            // not called by a deferred function.
            r_ok: false,
            recover_ok: false,
        };
        let n = self.rng.range(1, 4) as usize;
        let mut body = self.block(&inner, n);
        if self.rng.chance(10) {
            body.push(Stmt::Panic(self.panic_val()));
        }
        Lit {
            body,
            style: if ctx.top && self.rng.chance(35) {
                LitStyle::Ref
            } else {
                LitStyle::Move
            },
            untyped_ret: false,
            tail_semi: self.rng.chance(50),
        }
    }

    /// A deferred function literal.
    fn lit(&mut self, ctx: &Ctx) -> Lit {
        let inner = Ctx {
            depth: ctx.depth + 1,
            lit_depth: ctx.lit_depth + 1,
            in_lit: true,
            vars: Vec::new(),
            top: false,
            mult: ctx.mult,
            in_loop: false,
            breakable: false,
            r_ok: ctx.r_ok,
            recover_ok: true,
        };
        let mut body = Vec::new();
        match self.rng.below(100) {
            // changes the result
            0..=34 if ctx.r_ok => {
                if self.rng.chance(40) && self.affordable(1, ctx) {
                    self.spend(1, ctx);
                    body.push(Stmt::PrintR(self.label()));
                }
                body.push(Stmt::SetR(self.rop()));
                if self.rng.chance(30) && self.affordable(1, ctx) {
                    self.spend(1, ctx);
                    body.push(Stmt::PrintR(self.label()));
                }
            }
            // recovers
            35..=64 if self.affordable(2, ctx) => {
                if self.rng.chance(25) {
                    body.push(self.stmt(&inner));
                }
                self.spend(2, ctx);
                body.push(Stmt::Recover(self.recover(&inner)));
                if self.rng.chance(25) {
                    body.push(self.stmt(&inner));
                }
            }
            // anything
            _ => {
                let n = self.rng.range(1, 4) as usize;
                body = self.block(&inner, n);
                if self.rng.chance(10) {
                    body.push(Stmt::Panic(self.panic_val()));
                }
            }
        }
        let block_ok = !has_defer_or_return(&body) && !uses_r(&body);
        let style = if block_ok && self.rng.chance(20) {
            LitStyle::Block
        } else if ctx.top && self.rng.chance(35) {
            LitStyle::Ref
        } else {
            LitStyle::Move
        };
        Lit {
            body,
            style,
            untyped_ret: self.rng.chance(25),
            tail_semi: self.rng.chance(50),
        }
    }
}

/// The blocks directly nested in a statement (not those of literals).
fn blocks(s: &Stmt) -> Vec<&[Stmt]> {
    match s {
        Stmt::If(_, b) | Stmt::Loop(_, _, b) | Stmt::Block(b) => vec![b],
        Stmt::Invoke(l) => vec![&l.body],
        Stmt::Switch(_, arms, default) => arms
            .iter()
            .map(|(_, b)| b.as_slice())
            .chain(default.as_deref())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the statements, literals called at once included, defer or recover.
fn has_defer_or_recover(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Defer(_) | Stmt::Recover(_) => true,
        s => blocks(s).into_iter().any(has_defer_or_recover),
    })
}

fn has_defer_or_return(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Defer(_) | Stmt::Return(_) | Stmt::Invoke(_) => true,
        s => blocks(s).into_iter().any(has_defer_or_return),
    })
}

/// Whether the statements (not counting nested literals) read or write `r`.
fn uses_r_direct(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::PrintR(_) | Stmt::SetR(_) => true,
        Stmt::Recover(rc) => rc.set.is_some(),
        s => blocks(s).into_iter().any(uses_r_direct),
    })
}

/// Whether a literal nested in the statements uses `r`.
fn uses_r_nested(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Defer(Deferred::Lit(l)) => uses_r(&l.body),
        s => blocks(s).into_iter().any(uses_r_nested),
    })
}

fn uses_r(body: &[Stmt]) -> bool {
    uses_r_direct(body) || uses_r_nested(body)
}

/// Whether the statements, literals included, use the local `x`.
fn uses_x(body: &[Stmt]) -> bool {
    fn expr(e: &Expr) -> bool {
        e.terms.iter().any(|t| matches!(t, Term::X))
    }
    body.iter().any(|s| match s {
        Stmt::PrintX(_)
        | Stmt::SetX(_)
        | Stmt::Defer(Deferred::PrintX(_))
        | Stmt::Defer(Deferred::ShowX(_))
        | Stmt::Defer(Deferred::BumpX(_))
        | Stmt::Defer(Deferred::LitArg(_, Arg::X, _)) => true,
        Stmt::Return(Some(e)) => expr(e),
        Stmt::Defer(Deferred::Lit(l)) => uses_x(&l.body),
        s => blocks(s).into_iter().any(uses_x),
    })
}

/// Whether the statements, literals included, defer a method of `X`.
fn uses_methods(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Defer(Deferred::ShowX(_) | Deferred::BumpX(_)) => true,
        Stmt::Defer(Deferred::Lit(l)) => uses_methods(&l.body),
        s => blocks(s).into_iter().any(uses_methods),
    })
}

fn spawns(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Spawn(..) => true,
        Stmt::Defer(Deferred::Lit(l)) => spawns(&l.body),
        s => blocks(s).into_iter().any(spawns),
    })
}

fn uses_threads(p: &Program) -> bool {
    p.main.iter().any(|m| m.thread) || p.funcs.iter().any(|f| spawns(&f.body))
}

/// Generates the program of a seed.
pub fn program(seed: u64, limits: &Limits) -> Program {
    let mut rng = Rng::new(seed);
    let nfuncs = rng.range(1, limits.max_funcs as i64) as usize;
    let void = (0..nfuncs).map(|_| rng.chance(25)).collect();
    let mut g = Gen {
        rng: &mut rng,
        limits: limits.clone(),
        nfuncs,
        func: 0,
        void,
        cost: vec![0; nfuncs],
        remaining: 0,
        labels: 0,
    };
    let mut funcs: Vec<Option<Func>> = vec![None; nfuncs];
    // The callees first, so that their costs are known.
    for i in (0..nfuncs).rev() {
        funcs[i] = Some(g.func(i));
    }
    let funcs: Vec<Func> = funcs.into_iter().map(Option::unwrap).collect();
    let mut main = Vec::new();
    for c in 0..rng.range(2, 4) {
        let func = if c == 0 || rng.chance(50) {
            0
        } else {
            rng.below(nfuncs as u64) as usize
        };
        main.push(MainCall {
            func,
            n: rng.range(0, 4),
            thread: false,
        });
    }
    if rng.chance(35) {
        let at = rng.below(main.len() as u64 + 1) as usize;
        main.insert(
            at,
            MainCall {
                func: rng.below(nfuncs as u64) as usize,
                n: rng.range(0, 4),
                thread: true,
            },
        );
    }
    Program { funcs, main }
}

/// `(go_source, rust_source)` of a seed, both standalone programs (`package main` with
/// `func main()`; a Rust crate root with `fn main()`).
pub fn generate(seed: u64) -> (String, String) {
    let p = program(seed, &Limits::default());
    (render_go(&p, None), render_rust(&p, true))
}

// ---------------------------------------------------------------------------------------------
// Rendering: shared helpers.

struct Out {
    s: String,
    indent: usize,
    unit: &'static str,
}

impl Out {
    fn new(unit: &'static str) -> Out {
        Out {
            s: String::new(),
            indent: 0,
            unit,
        }
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.s.push_str(self.unit);
        }
        self.s.push_str(text);
        self.s.push('\n');
    }

    fn open(&mut self, text: &str) {
        self.line(text);
        self.indent += 1;
    }

    fn close(&mut self, text: &str) {
        self.indent -= 1;
        self.line(text);
    }
}

fn arg(off: i64, rust: bool) -> String {
    match (off, rust) {
        (0, _) => "n".to_string(),
        (o, false) if o > 0 => format!("n+{o}"),
        (o, false) => format!("n-{}", -o),
        (o, true) if o > 0 => format!("n + {o}"),
        (o, true) => format!("n - {}", -o),
    }
}

// ---------------------------------------------------------------------------------------------
// Go.

/// An expression in either language: `x` is how the shared local reads, `call` renders a call.
fn render_expr(e: &Expr, x: &str, call: impl Fn(&Call) -> String) -> String {
    let mut parts: Vec<String> = e
        .terms
        .iter()
        .map(|t| match t {
            Term::N => "n".to_string(),
            Term::X => x.to_string(),
            Term::Call(c) => call(c),
        })
        .collect();
    let calls = e.terms.iter().any(|t| matches!(t, Term::Call(_)));
    if e.c != 0 || parts.is_empty() {
        parts.push(e.c.to_string());
    }
    let sum = parts.join(" + ");
    if calls {
        format!("({sum}) % 1000")
    } else {
        sum
    }
}

/// A condition: the same text in Go and in Rust.
fn render_cond(c: &Cond) -> String {
    match c {
        Cond::NGt(k) => format!("n > {k}"),
        Cond::VarEq(v, k) => format!("{v} == {k}"),
    }
}

struct GoR<'a> {
    o: Out,
    prefix: &'a str,
    void: Vec<bool>,
}

impl GoR<'_> {
    fn call(&self, c: &Call) -> String {
        format!("{}f{}({})", self.prefix, c.callee, arg(c.off, false))
    }

    fn panic_val(v: &PanicVal) -> String {
        match v {
            PanicVal::Str { text, .. } => format!("{text:?}"),
            PanicVal::Int(i) => i.to_string(),
        }
    }

    fn rop(var: &str, op: &ROp) -> String {
        match op {
            ROp::Set(v) => format!("{var} = {v}"),
            ROp::Add(c) => format!("{var} = {var} + {c}"),
            ROp::MulAdd(k, c) => format!("{var} = ({var}*{k} + {c}) % 1000"),
        }
    }

    fn run_of(&self, callee: usize) -> &'static str {
        if self.void[callee] {
            "runv"
        } else {
            "run"
        }
    }

    fn expr(&self, e: &Expr) -> String {
        render_expr(e, "x", |c| self.call(c))
    }

    fn block(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Print(l) => self.o.line(&format!("fmt.Println({l:?})")),
            Stmt::PrintVar(l, v) => self.o.line(&format!("fmt.Println({l:?}, {v})")),
            Stmt::PrintR(l) => self.o.line(&format!("fmt.Println(\"{l} r\", r)")),
            Stmt::PrintCall(l, c) => {
                let c = self.call(c);
                self.o.line(&format!("fmt.Println({l:?}, {c})"))
            }
            Stmt::CallStmt(c) => {
                let c = self.call(c);
                self.o.line(&c)
            }
            Stmt::SetR(op) => self.o.line(&Self::rop("r", op)),
            Stmt::SetX(op) => self.o.line(&Self::rop("x", op)),
            Stmt::PrintX(l) => self.o.line(&format!("fmt.Println(\"{l} x\", x)")),
            Stmt::Invoke(lit) => {
                self.o.open("func() {");
                self.block(&lit.body);
                self.o.close("}()");
            }
            Stmt::Defer(d) => match d {
                Deferred::Print(l) => self.o.line(&format!("defer fmt.Println({l:?})")),
                Deferred::PrintVar(l, v) => self.o.line(&format!("defer fmt.Println({l:?}, {v})")),
                Deferred::PrintCall(l, c) => {
                    let c = self.call(c);
                    self.o.line(&format!("defer fmt.Println({l:?}, {c})"))
                }
                Deferred::Call(c) => {
                    let c = self.call(c);
                    self.o.line(&format!("defer {c}"))
                }
                Deferred::PrintX(l) => self.o.line(&format!("defer fmt.Println(\"{l} x\", x)")),
                Deferred::ShowX(l) => self
                    .o
                    .line(&format!("defer {}X(x).show(\"{l} show\")", self.prefix)),
                Deferred::BumpX(l) => self
                    .o
                    .line(&format!("defer (*{}X)(&x).bump(\"{l} bump\")", self.prefix)),
                Deferred::LitArg(l, a, call) => {
                    let a = match a {
                        Arg::N(off) => arg(*off, false),
                        Arg::X => "x".to_string(),
                        Arg::Var(v) => v.clone(),
                    };
                    let body = match call {
                        None => format!("fmt.Println(\"{l} v\", v)"),
                        Some(j) => format!("{}f{j}(v)", self.prefix),
                    };
                    self.o.line(&format!("defer func(v int) {{ {body} }}({a})"))
                }
                Deferred::Panic(v) => self.o.line(&format!("defer panic({})", Self::panic_val(v))),
                Deferred::RecoverBuiltin => self.o.line("defer recover()"),
                Deferred::Lit(lit) => {
                    self.o.open("defer func() {");
                    self.block(&lit.body);
                    self.o.close("}()");
                }
            },
            Stmt::If(c, body) => {
                self.o.open(&format!("if {} {{", render_cond(c)));
                self.block(body);
                self.o.close("}");
            }
            Stmt::Loop(v, k, body) => {
                self.o.open(&format!("for {v} := 0; {v} < {k}; {v}++ {{"));
                self.block(body);
                self.o.close("}");
            }
            Stmt::Panic(v) => self.o.line(&format!("panic({})", Self::panic_val(v))),
            Stmt::Return(None) => self.o.line("return"),
            Stmt::Return(Some(e)) => {
                let e = self.expr(e);
                self.o.line(&format!("return {e}"))
            }
            Stmt::Switch(x, arms, default) => {
                self.o.open(&format!("switch {x} {{"));
                for (v, body) in arms {
                    self.o.line(&format!("case {v}:"));
                    self.o.indent += 1;
                    self.block(body);
                    self.o.indent -= 1;
                }
                if let Some(body) = default {
                    self.o.line("default:");
                    self.o.indent += 1;
                    self.block(body);
                    self.o.indent -= 1;
                }
                self.o.close("}");
            }
            Stmt::Block(body) => {
                self.o.open("{");
                self.block(body);
                self.o.close("}");
            }
            Stmt::Continue => self.o.line("continue"),
            Stmt::Break => self.o.line("break"),
            Stmt::Spawn(l, c) => {
                self.o.open("{");
                self.o.line("var wg sync.WaitGroup");
                self.o.line("wg.Add(1)");
                self.o.open("go func() {");
                self.o.line("defer wg.Done()");
                self.o.line(&format!(
                    "{p}{}({l:?}, {p}f{}, {})",
                    self.run_of(c.callee),
                    c.callee,
                    arg(c.off, false),
                    p = self.prefix
                ));
                self.o.close("}()");
                self.o.line("wg.Wait()");
                self.o.close("}");
            }
            Stmt::Recover(rc) => {
                self.o.open("if e := recover(); e != nil {");
                self.o
                    .line(&format!("fmt.Println(\"{} recovered\", e)", rc.label));
                if let Some(v) = rc.set {
                    self.o.line(&format!("r = {v}"));
                }
                match rc.repanic {
                    Some(Repanic::Wrapped) => self.o.line("panic(fmt.Sprint(\"re:\", e))"),
                    Some(Repanic::Same) => self.o.line("panic(e)"),
                    None => {}
                }
                if let Some(el) = &rc.else_label {
                    self.o.close("} else {");
                    self.o.indent += 1;
                    self.o.line(&format!("fmt.Println(\"{el} no panic\")"));
                }
                self.o.close("}");
            }
        }
    }
}

/// The Go program. With `index` = `Some(k)`: the file `pK.go` of the package that holds all
/// programs of a campaign (every name prefixed with `pK_`, `main` is `pK_main`); with `None`:
/// a standalone program.
pub fn render_go(p: &Program, index: Option<usize>) -> String {
    let prefix = index.map_or(String::new(), |k| format!("p{k}_"));
    let mut g = GoR {
        o: Out::new("\t"),
        prefix: &prefix,
        void: p.funcs.iter().map(|f| f.void).collect(),
    };
    g.o.line("package main");
    g.o.line("");
    if uses_threads(p) {
        g.o.open("import (");
        g.o.line("\"fmt\"");
        g.o.line("\"sync\"");
        g.o.close(")");
    } else {
        g.o.line("import \"fmt\"");
    }
    if p.funcs.iter().any(|f| uses_methods(&f.body)) {
        g.o.line("");
        g.o.line(&format!("type {prefix}X int"));
        g.o.line("");
        g.o.open(&format!("func (v {prefix}X) show(l string) {{"));
        g.o.line("fmt.Println(l, int(v))");
        g.o.close("}");
        g.o.line("");
        g.o.open(&format!("func (p *{prefix}X) bump(l string) {{"));
        g.o.line("*p = *p + 1");
        g.o.line("fmt.Println(l, int(*p))");
        g.o.close("}");
    }
    for (i, f) in p.funcs.iter().enumerate() {
        g.o.line("");
        if f.void {
            g.o.open(&format!("func {prefix}f{i}(n int) {{"));
        } else {
            g.o.open(&format!("func {prefix}f{i}(n int) (r int) {{"));
        }
        if uses_x(&f.body) {
            g.o.line("x := 0");
            g.o.line("_ = x");
        }
        g.block(&f.body);
        g.o.close("}");
    }
    g.o.line("");
    g.o.open(&format!(
        "func {prefix}run(name string, f func(int) int, n int) {{"
    ));
    g.o.open("defer func() {");
    g.o.open("if e := recover(); e != nil {");
    g.o.line("fmt.Println(name, \"panicked:\", e)");
    g.o.close("}");
    g.o.close("}()");
    g.o.line("fmt.Println(name, \"returned\", f(n))");
    g.o.close("}");
    g.o.line("");
    if p.funcs.iter().any(|f| f.void) {
        g.o.open(&format!(
            "func {prefix}runv(name string, f func(int), n int) {{"
        ));
        g.o.open("defer func() {");
        g.o.open("if e := recover(); e != nil {");
        g.o.line("fmt.Println(name, \"panicked:\", e)");
        g.o.close("}");
        g.o.close("}()");
        g.o.line("f(n)");
        g.o.line("fmt.Println(name, \"done\")");
        g.o.close("}");
        g.o.line("");
    }
    let main = if index.is_some() {
        format!("{prefix}main")
    } else {
        "main".to_string()
    };
    g.o.open(&format!("func {main}() {{"));
    g.o.line("defer fmt.Println(\"main done\")");
    for m in &p.main {
        let run = format!(
            "{prefix}{}(\"f{}({})\", {prefix}f{}, {})",
            g.run_of(m.func),
            m.func,
            m.n,
            m.func,
            m.n
        );
        if m.thread {
            g.o.open("{");
            g.o.line("var wg sync.WaitGroup");
            g.o.line("wg.Add(1)");
            g.o.open("go func() {");
            g.o.line("defer wg.Done()");
            g.o.line(&run);
            g.o.close("}()");
            g.o.line("wg.Wait()");
            g.o.line("fmt.Println(\"joined\")");
            g.o.close("}");
        } else {
            g.o.line(&run);
        }
    }
    g.o.close("}");
    g.o.s
}

// ---------------------------------------------------------------------------------------------
// Rust.

/// Where a statement is, for the ways of writing `r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RCtx {
    /// The function body: `r` is not used there; literals here get `ret` as a parameter.
    Body,
    /// A literal that does not use `r`.
    NoR,
    /// A `|ret: &mut i64|` literal: `*ret`.
    Direct,
    /// A `|ret: &mut i64|` literal that shares `ret` with nested literals as a `Cell`.
    Cell,
}

struct RustR {
    o: Out,
    void: Vec<bool>,
}

impl RustR {
    fn call(c: &Call) -> String {
        format!("f_{}({})", c.callee, arg(c.off, true))
    }

    /// The panic as an expression.
    fn panic(v: &PanicVal) -> String {
        match v {
            PanicVal::Str {
                text,
                macro_form: true,
            } => format!("panic!({text:?})"),
            PanicVal::Str { text, .. } => format!("std::panic::panic_any({text:?})"),
            PanicVal::Int(i) => format!("std::panic::panic_any({i}_i64)"),
        }
    }

    fn get(ctx: RCtx) -> &'static str {
        match ctx {
            RCtx::Direct => "*ret",
            RCtx::Cell => "ret.get()",
            _ => panic!("r used outside a literal that has it"),
        }
    }

    fn set(ctx: RCtx, value: &str) -> String {
        match ctx {
            RCtx::Direct => format!("*ret = {value};"),
            RCtx::Cell => format!("ret.set({value});"),
            _ => panic!("r used outside a literal that has it"),
        }
    }

    fn xop(op: &ROp) -> String {
        let v = match op {
            ROp::Set(v) => v.to_string(),
            ROp::Add(c) => format!("x.get() + {c}"),
            ROp::MulAdd(k, c) => format!("(x.get() * {k} + {c}) % 1000"),
        };
        format!("x.set({v});")
    }

    fn run_of(&self, callee: usize) -> &'static str {
        if self.void[callee] {
            "runv"
        } else {
            "run"
        }
    }

    fn rop(ctx: RCtx, op: &ROp) -> String {
        let r = Self::get(ctx);
        let v = match op {
            ROp::Set(v) => v.to_string(),
            ROp::Add(c) => format!("{r} + {c}"),
            ROp::MulAdd(k, c) => format!("({r} * {k} + {c}) % 1000"),
        };
        Self::set(ctx, &v)
    }

    fn expr(e: &Expr) -> String {
        render_expr(e, "x.get()", Self::call)
    }

    fn block(&mut self, body: &[Stmt], ctx: RCtx) {
        for s in body {
            self.stmt(s, ctx, None);
        }
    }

    /// The body of a literal: with `tail_semi`, a final `if` or `for` is closed with `};`.
    fn lit_body(&mut self, lit: &Lit, ctx: RCtx) {
        let n = lit.body.len();
        for (k, s) in lit.body.iter().enumerate() {
            self.stmt(s, ctx, None);
            if k + 1 == n
                && lit.tail_semi
                && matches!(
                    s,
                    Stmt::If(..)
                        | Stmt::Loop(..)
                        | Stmt::Recover(_)
                        | Stmt::Switch(..)
                        | Stmt::Block(_)
                )
            {
                self.o.s.pop();
                self.o.s.push_str(";\n");
            }
        }
    }

    /// `tail`: this is the last statement of the function body (`Some((tail_expr, tail_panic))`).
    fn stmt(&mut self, s: &Stmt, ctx: RCtx, tail: Option<(bool, bool)>) {
        match s {
            Stmt::Print(l) => self.o.line(&format!("println!({l:?});")),
            Stmt::PrintVar(l, v) => self.o.line(&format!("println!(\"{l} {{}}\", {v});")),
            Stmt::PrintR(l) => {
                let r = Self::get(ctx);
                self.o.line(&format!("println!(\"{l} r {{}}\", {r});"))
            }
            Stmt::PrintCall(l, c) => {
                let c = Self::call(c);
                self.o.line(&format!("println!(\"{l} {{}}\", {c});"))
            }
            Stmt::CallStmt(c) => self.o.line(&format!("{};", Self::call(c))),
            Stmt::SetR(op) => self.o.line(&Self::rop(ctx, op)),
            Stmt::SetX(op) => self.o.line(&Self::xop(op)),
            Stmt::PrintX(l) => self.o.line(&format!("println!(\"{l} x {{}}\", x.get());")),
            Stmt::Invoke(lit) => {
                if lit.style == LitStyle::Ref {
                    self.o.open("(|| {");
                } else {
                    self.o.open("(move || {");
                }
                self.lit_body(lit, RCtx::NoR);
                self.o.close("})();");
            }
            Stmt::Defer(d) => match d {
                Deferred::Print(l) => self.o.line(&format!("defer!(println!({l:?}));")),
                Deferred::PrintVar(l, v) => self
                    .o
                    .line(&format!("defer!(println!(\"{l} {{}}\", {v}));")),
                Deferred::PrintCall(l, c) => {
                    let c = Self::call(c);
                    self.o
                        .line(&format!("defer!(println!(\"{l} {{}}\", {c}));"))
                }
                Deferred::Call(c) => self.o.line(&format!("defer!({});", Self::call(c))),
                Deferred::PrintX(l) => self
                    .o
                    .line(&format!("defer!(println!(\"{l} x {{}}\", x.get()));")),
                Deferred::ShowX(l) => self
                    .o
                    .line(&format!("defer!(X(x.get()).show(\"{l} show\"));")),
                Deferred::BumpX(l) => self.o.line(&format!("defer!(x.bump(\"{l} bump\"));")),
                Deferred::LitArg(l, a, call) => {
                    let a = match a {
                        Arg::N(off) => arg(*off, true),
                        Arg::X => "x.get()".to_string(),
                        Arg::Var(v) => v.clone(),
                    };
                    let body = match call {
                        None => format!("println!(\"{l} v {{}}\", v)"),
                        Some(j) => format!("{{ f_{j}(v); }}"),
                    };
                    self.o.line(&format!("defer!((|v| {body})({a}));"))
                }
                Deferred::Panic(v) => self.o.line(&format!("defer!({});", Self::panic(v))),
                Deferred::RecoverBuiltin => self.o.line("defer!(godefer::recover());"),
                Deferred::Lit(lit) => self.lit(lit, ctx),
            },
            Stmt::If(c, body) => {
                self.o.open(&format!("if {} {{", render_cond(c)));
                self.block(body, ctx);
                self.o.close("}");
            }
            Stmt::Loop(v, k, body) => {
                self.o.open(&format!("for {v} in 0..{k} {{"));
                self.block(body, ctx);
                self.o.close("}");
            }
            Stmt::Panic(v) => {
                let p = Self::panic(v);
                if tail.is_some_and(|t| t.1) {
                    self.o.line(&p)
                } else {
                    self.o.line(&format!("{p};"))
                }
            }
            Stmt::Return(None) => self.o.line("return;"),
            Stmt::Return(Some(e)) => {
                let e = Self::expr(e);
                if tail.is_some_and(|t| t.0) {
                    self.o.line(&e)
                } else {
                    self.o.line(&format!("return {e};"))
                }
            }
            Stmt::Switch(x, arms, default) => {
                self.o.open(&format!("match {x} {{"));
                for (v, body) in arms {
                    self.o.open(&format!("{v} => {{"));
                    self.block(body, ctx);
                    self.o.close("}");
                }
                self.o.open("_ => {");
                if let Some(body) = default {
                    self.block(body, ctx);
                }
                self.o.close("}");
                self.o.close("}");
            }
            Stmt::Block(body) => {
                self.o.open("{");
                self.block(body, ctx);
                self.o.close("}");
            }
            Stmt::Continue => self.o.line("continue;"),
            Stmt::Break => self.o.line("break;"),
            Stmt::Spawn(l, c) => self.o.line(&format!(
                "std::thread::spawn(move || {}({l:?}, f_{}, {})).join().unwrap();",
                self.run_of(c.callee),
                c.callee,
                arg(c.off, true)
            )),
            Stmt::Recover(rc) => {
                self.o.open("if let Some(e) = godefer::recover() {");
                self.o.line(&format!(
                    "println!(\"{} recovered {{}}\", show(&e));",
                    rc.label
                ));
                if let Some(v) = rc.set {
                    self.o.line(&Self::set(ctx, &v.to_string()));
                }
                match rc.repanic {
                    Some(Repanic::Wrapped) => self
                        .o
                        .line("std::panic::panic_any(format!(\"re:{}\", show(&e)));"),
                    Some(Repanic::Same) => {
                        self.o.line("std::panic::resume_unwind(e.into_payload());")
                    }
                    None => {}
                }
                if let Some(el) = &rc.else_label {
                    self.o.close("} else {");
                    self.o.indent += 1;
                    self.o.line(&format!("println!(\"{el} no panic\");"));
                }
                self.o.close("}");
            }
        }
    }

    fn lit(&mut self, lit: &Lit, ctx: RCtx) {
        if ctx != RCtx::Body {
            // A literal nested in a literal: never a `ret` of its own (that would be the
            // literal's result); it shares the outer `ret` cell if it uses `r`.
            assert!(ctx == RCtx::Cell || !uses_r(&lit.body));
            let inner = if ctx == RCtx::Cell {
                RCtx::Cell
            } else {
                RCtx::NoR
            };
            if lit.style == LitStyle::Block {
                self.o.open("defer! {");
            } else {
                self.o.open("defer!(move || {");
            }
            self.lit_body(lit, inner);
            self.o.close(if lit.style == LitStyle::Block {
                "}"
            } else {
                "});"
            });
            return;
        }
        let kw = if lit.style == LitStyle::Ref {
            ""
        } else {
            "move "
        };
        let ret = if lit.untyped_ret {
            "|ret|"
        } else {
            "|ret: &mut i64|"
        };
        if !uses_r(&lit.body) {
            if lit.style == LitStyle::Block {
                self.o.open("defer! {");
                self.lit_body(lit, RCtx::NoR);
                self.o.close("}");
            } else {
                self.o.open(&format!("defer!({kw}|| {{"));
                self.lit_body(lit, RCtx::NoR);
                self.o.close("});");
            }
        } else if !uses_r_nested(&lit.body) {
            self.o.open(&format!("defer!({kw}{ret} {{"));
            self.lit_body(lit, RCtx::Direct);
            self.o.close("});");
        } else {
            self.o.open(&format!("defer!({kw}{ret} {{"));
            self.o.line("let ret = ::std::cell::Cell::from_mut(ret);");
            self.lit_body(lit, RCtx::Cell);
            self.o.close("});");
        }
    }
}

/// The Rust program. `standalone`: a crate root (`#![allow(warnings)]`, `fn main`); otherwise
/// the text of a module (`pub fn main`), included by the campaign's crate.
pub fn render_rust(p: &Program, standalone: bool) -> String {
    let mut r = RustR {
        o: Out::new("    "),
        void: p.funcs.iter().map(|f| f.void).collect(),
    };
    if standalone {
        r.o.line("#![allow(warnings)]");
        r.o.line("");
    }
    r.o.line("/// A recovered value as Go's fmt prints it.");
    r.o.open("fn show(e: &godefer::Panic) -> String {");
    r.o.open("if let Some(v) = e.downcast_ref::<i64>() {");
    r.o.line("v.to_string()");
    r.o.close("} else if let Some(s) = e.downcast_ref::<&'static str>() {");
    r.o.indent += 1;
    r.o.line("s.to_string()");
    r.o.close("} else if let Some(s) = e.downcast_ref::<String>() {");
    r.o.indent += 1;
    r.o.line("s.clone()");
    r.o.close("} else {");
    r.o.indent += 1;
    r.o.line("format!(\"{e}\")");
    r.o.close("}");
    r.o.close("}");
    if p.funcs.iter().any(|f| uses_methods(&f.body)) {
        r.o.line("");
        r.o.line("#[derive(Clone, Copy)]");
        r.o.line("struct X(i64);");
        r.o.line("");
        r.o.open("impl X {");
        r.o.open("fn show(self, l: &str) {");
        r.o.line("println!(\"{} {}\", l, self.0);");
        r.o.close("}");
        r.o.close("}");
        r.o.line("");
        r.o.open("trait Bump {");
        r.o.line("fn bump(&self, l: &str);");
        r.o.close("}");
        r.o.line("");
        r.o.open("impl Bump for ::std::cell::Cell<i64> {");
        r.o.open("fn bump(&self, l: &str) {");
        r.o.line("self.set(self.get() + 1);");
        r.o.line("println!(\"{} {}\", l, self.get());");
        r.o.close("}");
        r.o.close("}");
    }
    for (i, f) in p.funcs.iter().enumerate() {
        r.o.line("");
        if !f.plain {
            r.o.line("#[godefer::func]");
        }
        if f.void {
            r.o.open(&format!("fn f_{i}(n: i64) {{"));
        } else {
            r.o.open(&format!("fn f_{i}(n: i64) -> i64 {{"));
        }
        if uses_x(&f.body) {
            r.o.line("let x = &::std::cell::Cell::new(0_i64);");
        }
        let last = f.body.len().wrapping_sub(1);
        for (k, s) in f.body.iter().enumerate() {
            let tail = (k == last).then_some((f.tail_expr, f.tail_panic));
            r.stmt(s, RCtx::Body, tail);
        }
        r.o.close("}");
    }
    r.o.line("");
    r.o.line("#[godefer::func]");
    r.o.open("fn run(name: &str, f: fn(i64) -> i64, n: i64) {");
    r.o.open("defer!(move || {");
    r.o.open("if let Some(e) = godefer::recover() {");
    r.o.line("println!(\"{} panicked: {}\", name, show(&e));");
    r.o.close("}");
    r.o.close("});");
    r.o.line("println!(\"{} returned {}\", name, f(n));");
    r.o.close("}");
    r.o.line("");
    if p.funcs.iter().any(|f| f.void) {
        r.o.line("#[godefer::func]");
        r.o.open("fn runv(name: &str, f: fn(i64), n: i64) {");
        r.o.open("defer!(move || {");
        r.o.open("if let Some(e) = godefer::recover() {");
        r.o.line("println!(\"{} panicked: {}\", name, show(&e));");
        r.o.close("}");
        r.o.close("});");
        r.o.line("f(n);");
        r.o.line("println!(\"{} done\", name);");
        r.o.close("}");
        r.o.line("");
    }
    r.o.line("#[godefer::func]");
    r.o.open(&format!(
        "{}fn main() {{",
        if standalone { "" } else { "pub " }
    ));
    r.o.line("defer!(println!(\"main done\"));");
    for m in &p.main {
        let run = format!(
            "{}(\"f{}({})\", f_{}, {})",
            r.run_of(m.func),
            m.func,
            m.n,
            m.func,
            m.n
        );
        if m.thread {
            r.o.line(&format!("std::thread::spawn(|| {run}).join().unwrap();"));
            r.o.line("println!(\"joined\");");
        } else {
            r.o.line(&format!("{run};"));
        }
    }
    r.o.close("}");
    r.o.s
}

/// A unified diff of two texts, by lines, with three lines of context (empty if equal).
pub fn unified_diff(a: &str, b: &str, a_name: &str, b_name: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    if a == b {
        return String::new();
    }
    // Longest common subsequence table, from the ends.
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    // The edit script: (tag, index in a, index in b).
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || t[i + 1][j] >= t[i][j + 1]) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    const CONTEXT: usize = 3;
    let mut out = format!("--- {a_name}\n+++ {b_name}\n");
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change
        // that is at most 2*CONTEXT lines after the previous one.
        let start = k.saturating_sub(CONTEXT);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() {
            if ops[end].0 != ' ' {
                last_change = end;
            } else if end - last_change > 2 * CONTEXT {
                break;
            }
            end += 1;
        }
        let end = (last_change + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let a_count = hunk.iter().filter(|o| o.0 != '+').count();
        let b_count = hunk.iter().filter(|o| o.0 != '-').count();
        let a_start = hunk[0].1 + usize::from(a_count > 0);
        let b_start = hunk[0].2 + usize::from(b_count > 0);
        let _ = writeln!(out, "@@ -{a_start},{a_count} +{b_start},{b_count} @@");
        for &(tag, i, j) in hunk {
            let text = if tag == '+' { b[j] } else { a[i] };
            let _ = writeln!(out, "{tag}{text}");
        }
        k = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        for s in 0..50 {
            assert_eq!(generate(program_seed(7, s)), generate(program_seed(7, s)));
        }
    }

    #[test]
    fn diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
        let d = unified_diff("a\nb\nc\n", "a\nB\nc\n", "x", "y");
        assert_eq!(d, "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        let d = unified_diff("", "a\n", "x", "y");
        assert_eq!(d, "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n");
    }
}
