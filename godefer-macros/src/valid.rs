//! Checks on the item the attribute is applied to.

use syn::spanned::Spanned;
use syn::Signature;

/// A `const fn` cannot be lowered: spanned on the keyword.
pub fn signature(sig: &Signature) -> Result<(), syn::Error> {
    if let Some(c) = &sig.constness {
        return Err(syn::Error::new(
            c.span(),
            "`#[godefer::func]` cannot apply to a `const fn`: deferred calls run at run time",
        ));
    }
    Ok(())
}
