//! What the source says about the models: serde structs and `graph_enum!`
//! members, read from `src/models/**` with `syn`.

use std::path::{Path, PathBuf};

use super::root;

/// A Rust field type, reduced to what matters here.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Option(Box<Shape>),
    Vec(Box<Shape>),
    Named(String),
}

impl Shape {
    pub fn from_type(ty: &syn::Type) -> Shape {
        let syn::Type::Path(p) = ty else {
            return Shape::Named("?".into());
        };
        let last = p.path.segments.last().expect("a type name");
        let name = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let inner = || match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                Some(syn::GenericArgument::Type(t)) => Shape::from_type(t),
                _ => Shape::Named("?".into()),
            },
            _ => Shape::Named("?".into()),
        };
        match last.ident.to_string().as_str() {
            "Option" => Shape::Option(Box::new(inner())),
            "Vec" => Shape::Vec(Box::new(inner())),
            "Box" => inner(),
            _ => Shape::Named(name),
        }
    }

    pub fn is_option(&self) -> bool {
        matches!(self, Shape::Option(_))
    }

    pub fn without_option(&self) -> &Shape {
        match self {
            Shape::Option(s) => s,
            s => s,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Shape::Option(s) => format!("Option<{}>", s.describe()),
            Shape::Vec(s) => format!("Vec<{}>", s.describe()),
            Shape::Named(n) => n.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub rust: String,
    pub wire: String,
    pub shape: Shape,
    pub flatten: bool,
    pub null_as_default: bool,
}

#[derive(Debug)]
pub struct ModelStruct {
    pub name: String,
    pub file: String,
    pub fields: Vec<Field>,
}

#[derive(Debug)]
pub struct SourceEnum {
    pub name: String,
    pub members: Vec<String>,
}

pub fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

pub fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        attr.parse_nested_meta(|meta| {
            let last = meta.path.segments.last().map(|s| s.ident.to_string());
            if matches!(last.as_deref(), Some("Serialize" | "Deserialize")) {
                found = true;
            }
            Ok(())
        })
        .expect("a derive list");
    }
    found
}

/// Reads `#[serde(...)]`: `(rename_all, rename, flatten, deserialize_with)`.
pub fn serde_attrs(
    attrs: &[syn::Attribute],
) -> (Option<String>, Option<String>, bool, Option<String>) {
    let (mut rename_all, mut rename, mut flatten, mut with) = (None, None, false, None);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            let value = if meta.input.peek(syn::Token![=]) {
                let expr: syn::Expr = meta.value()?.parse()?;
                match expr {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                }
            } else {
                None
            };
            match key.as_deref() {
                Some("rename_all") => rename_all = value,
                Some("rename") => rename = value,
                Some("flatten") => flatten = true,
                Some("deserialize_with") => with = value,
                _ => {}
            }
            Ok(())
        })
        .expect("a serde attribute");
    }
    (rename_all, rename, flatten, with)
}

pub struct EnumBody {
    pub name: syn::Ident,
    pub members: Vec<String>,
}

impl syn::parse::Parse for EnumBody {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        input.call(syn::Attribute::parse_outer)?;
        let name: syn::Ident = input.parse()?;
        let content;
        syn::braced!(content in input);
        let mut members = Vec::new();
        while !content.is_empty() {
            content.call(syn::Attribute::parse_outer)?;
            let _variant: syn::Ident = content.parse()?;
            content.parse::<syn::Token![=>]>()?;
            let wire: syn::LitStr = content.parse()?;
            members.push(wire.value());
            if content.peek(syn::Token![,]) {
                content.parse::<syn::Token![,]>()?;
            }
        }
        Ok(EnumBody { name, members })
    }
}

pub fn read_models() -> (Vec<ModelStruct>, Vec<SourceEnum>) {
    let mut files = vec![root().join("src/models.rs")];
    rust_files(&root().join("src/models"), &mut files);
    files.sort();
    let (mut structs, mut enums) = (Vec::new(), Vec::new());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable source");
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rel = path
            .strip_prefix(root())
            .expect("inside the crate")
            .display()
            .to_string();
        for item in file.items {
            match item {
                syn::Item::Struct(s) if derives_serde(&s.attrs) => {
                    let (rename_all, ..) = serde_attrs(&s.attrs);
                    let syn::Fields::Named(named) = &s.fields else {
                        continue;
                    };
                    let fields = named
                        .named
                        .iter()
                        .map(|f| {
                            let rust = f.ident.as_ref().expect("named").to_string();
                            let (_, rename, flatten, with) = serde_attrs(&f.attrs);
                            let wire = rename.unwrap_or_else(|| match rename_all.as_deref() {
                                Some("camelCase") => camel_case(&rust),
                                None => rust.clone(),
                                Some(other) => panic!("{rel}: rename_all = {other:?} not handled"),
                            });
                            Field {
                                rust,
                                wire,
                                shape: Shape::from_type(&f.ty),
                                flatten,
                                null_as_default: with.as_deref() == Some("null_as_default"),
                            }
                        })
                        .collect();
                    structs.push(ModelStruct {
                        name: s.ident.to_string(),
                        file: rel.clone(),
                        fields,
                    });
                }
                syn::Item::Macro(m) if m.mac.path.is_ident("graph_enum") => {
                    let body: EnumBody = m.mac.parse_body().expect("a graph_enum! body");
                    enums.push(SourceEnum {
                        name: body.name.to_string(),
                        members: body.members,
                    });
                }
                _ => {}
            }
        }
    }
    (structs, enums)
}
