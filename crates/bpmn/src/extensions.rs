//! Camunda 8 (Zeebe) and Camunda 7 extension elements and attributes.
//!
//! Zeebe settings take precedence where a file carries both flavours (Camunda's own
//! migration tooling writes such files).

use crate::model::{BusinessRule, JobTask, Mapping, Script, Text, UserTask};
use crate::problem::Problems;
use crate::values;
use crate::xml::{self, XNode, ZEEBE};

/// Camunda 7 attributes that name Java code.
const JAVA_ATTRS: [&str; 3] = ["class", "expression", "delegateExpression"];

/// A job definition: `zeebe:taskDefinition` (with `zeebe:taskHeaders`), or a Camunda 7
/// external task (`camunda:type="external"` + `camunda:topic`). `None` if the element has
/// neither (or it is broken, which is reported).
pub(crate) fn job(el: XNode<'_, '_>, problems: &mut Problems) -> Option<JobTask> {
    if let Some(def) = xml::zeebe(el, "taskDefinition") {
        let Some(job_type) = xml::attr(def, "type") else {
            problems.at(el, "zeebe:taskDefinition has no type");
            return None;
        };
        let job_type = convert(el, problems, "the job type", values::text(job_type))?;
        let retries = xml::attr(def, "retries")
            .and_then(|r| convert(el, problems, "the retries", values::text(r)));
        let mut headers = Vec::new();
        if let Some(list) = xml::zeebe(el, "taskHeaders") {
            for header in xml::children(list, ZEEBE, "header") {
                match header.attribute("key").filter(|k| !k.is_empty()) {
                    Some(key) => headers.push((
                        key.to_owned(),
                        header.attribute("value").unwrap_or_default().to_owned(),
                    )),
                    None => problems.at(el, "a zeebe:header has no key"),
                }
            }
        }
        return Some(JobTask {
            job_type,
            retries,
            headers,
        });
    }
    if xml::camunda_attr(el, "type") == Some("external") {
        let Some(topic) = xml::camunda_attr(el, "topic") else {
            problems.at(el, "camunda:type=\"external\" needs a camunda:topic");
            return None;
        };
        let job_type = convert(el, problems, "the topic", values::text(topic))?;
        return Some(JobTask {
            job_type,
            retries: None,
            headers: Vec::new(),
        });
    }
    None
}

/// Reports why an element without a job type cannot be executed (Java delegates,
/// connectors, other Camunda 7 task types, or nothing at all: then `what` is the message).
pub(crate) fn no_job(el: XNode<'_, '_>, problems: &mut Problems, what: &str) {
    const HINT: &str = "use zeebe:taskDefinition type=\"…\" or an external task \
                        (camunda:type=\"external\" camunda:topic=\"…\")";
    if let Some(attr) = JAVA_ATTRS
        .into_iter()
        .find(|a| xml::camunda_attr(el, a).is_some())
    {
        problems.at(
            el,
            format!("camunda:{attr} (Java code) is not supported; {HINT}"),
        );
    } else if let Some(kind) = xml::camunda_attr(el, "type") {
        problems.at(
            el,
            format!("camunda:type=\"{kind}\" is not supported; {HINT}"),
        );
    } else if xml::camunda(el, "connector").is_some() {
        problems.at(el, format!("camunda:connector is not supported; {HINT}"));
    } else {
        problems.at(el, format!("{what}; {HINT}"));
    }
}

/// Rejects listeners: they run code outside the model.
pub(crate) fn check_listeners(el: XNode<'_, '_>, problems: &mut Problems) {
    for ext in xml::extensions(el) {
        let local = ext.tag_name().name();
        let message = if xml::is_camunda(ext, "executionListener")
            || xml::is_camunda(ext, "taskListener")
        {
            format!("camunda:{local} (listener code) is not supported")
        } else if xml::is(ext, ZEEBE, "executionListeners") || xml::is(ext, ZEEBE, "taskListeners")
        {
            format!("zeebe:{local} is not supported")
        } else {
            continue;
        };
        problems.at(el, message);
    }
}

/// Input and output mappings: `zeebe:ioMapping` and `camunda:inputOutput`.
pub(crate) fn io(el: XNode<'_, '_>, problems: &mut Problems) -> (Vec<Mapping>, Vec<Mapping>) {
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    if let Some(io) = xml::zeebe(el, "ioMapping") {
        for m in io.children().filter(|c| c.is_element()) {
            let list = if xml::is(m, ZEEBE, "input") {
                &mut inputs
            } else if xml::is(m, ZEEBE, "output") {
                &mut outputs
            } else {
                continue;
            };
            let kind = m.tag_name().name();
            let Some(target) = target(el, problems, kind, m.attribute("target")) else {
                continue;
            };
            let source = m.attribute("source").unwrap_or_default();
            if source.trim().is_empty() {
                problems.at(el, format!("zeebe:{kind} \"{target}\" has no source"));
                continue;
            }
            let what = format!("the source of zeebe:{kind} \"{target}\"");
            if let Some(source) = convert(el, problems, &what, values::value(source)) {
                list.push(Mapping { source, target });
            }
        }
    }
    if let Some(io) = xml::camunda(el, "inputOutput") {
        for p in io.children().filter(|c| c.is_element()) {
            let list = if xml::is_camunda(p, "inputParameter") {
                &mut inputs
            } else if xml::is_camunda(p, "outputParameter") {
                &mut outputs
            } else {
                continue;
            };
            let kind = p.tag_name().name();
            let Some(target) = target(el, problems, kind, p.attribute("name")) else {
                continue;
            };
            if let Some(source) = parameter_value(el, p, problems, &target) {
                list.push(Mapping { source, target });
            }
        }
    }
    (inputs, outputs)
}

/// A plain variable name for a mapping target.
fn target(
    el: XNode<'_, '_>,
    problems: &mut Problems,
    kind: &str,
    raw: Option<&str>,
) -> Option<String> {
    let name = raw.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        problems.at(el, format!("a {kind} mapping has no target variable"));
        None
    } else if name.contains('.') {
        problems.at(
            el,
            format!(
                "the {kind} mapping target \"{name}\" is a dotted path; \
                 only plain variable names are supported"
            ),
        );
        None
    } else {
        Some(name.to_owned())
    }
}

/// The value of a `camunda:inputParameter` / `camunda:outputParameter`: text (JUEL or a
/// literal string), `camunda:list`, `camunda:map`; scripts are not supported.
fn parameter_value(
    el: XNode<'_, '_>,
    p: XNode<'_, '_>,
    problems: &mut Problems,
    target: &str,
) -> Option<crate::model::Expr> {
    let what = format!("the value of parameter \"{target}\"");
    match p.children().find(|c| c.is_element()) {
        None => {
            let raw = xml::text(p);
            if raw.trim().is_empty() {
                Some(crate::model::Expr("null".into()))
            } else {
                convert(el, problems, &what, values::value(&raw))
            }
        }
        Some(inner) => match structured(inner) {
            Ok(feel) => Some(crate::model::Expr(feel)),
            Err(e) => {
                problems.at(el, format!("{what}: {e}"));
                None
            }
        },
    }
}

/// `camunda:list` / `camunda:map` / `camunda:value` as a FEEL list or context.
fn structured(node: XNode<'_, '_>) -> Result<String, String> {
    let local = node.tag_name().name();
    let elements = || node.children().filter(|c| c.is_element());
    if xml::is_camunda(node, "list") {
        let items: Result<Vec<_>, _> = elements().map(structured).collect();
        Ok(format!("[{}]", items?.join(", ")))
    } else if xml::is_camunda(node, "map") {
        let mut entries = Vec::new();
        for entry in elements() {
            let key = entry.attribute("key").unwrap_or_default();
            let value = match entry.children().find(|c| c.is_element()) {
                Some(inner) => structured(inner)?,
                None => values::value(&xml::text(entry))?.0,
            };
            entries.push(format!("{}: {value}", crate::juel::feel_string(key)));
        }
        Ok(format!("{{{}}}", entries.join(", ")))
    } else if xml::is_camunda(node, "value") {
        values::value(&xml::text(node)).map(|e| e.0)
    } else if xml::is_camunda(node, "script") {
        Err("script parameters are not supported; use an expression".into())
    } else {
        Err(format!("<{local}> is not supported"))
    }
}

/// User task settings from Zeebe or Camunda 7 extensions.
pub(crate) fn user_task(el: XNode<'_, '_>, problems: &mut Problems) -> UserTask {
    let mut task = UserTask::default();
    let mut text = |raw: Option<&str>, what: &str| -> Option<Text> {
        raw.and_then(|r| convert(el, problems, what, values::text(r)))
    };
    if let Some(a) = xml::zeebe(el, "assignmentDefinition") {
        task.assignee = text(xml::attr(a, "assignee"), "the assignee");
        task.candidate_groups = text(xml::attr(a, "candidateGroups"), "the candidate groups");
    }
    if task.assignee.is_none() {
        task.assignee = text(xml::camunda_attr(el, "assignee"), "the assignee");
    }
    if task.candidate_groups.is_none() {
        task.candidate_groups = text(
            xml::camunda_attr(el, "candidateGroups"),
            "the candidate groups",
        );
    }
    if let Some(s) = xml::zeebe(el, "taskSchedule") {
        task.due_date = text(xml::attr(s, "dueDate"), "the due date");
    }
    if task.due_date.is_none() {
        task.due_date = text(xml::camunda_attr(el, "dueDate"), "the due date");
    }
    let candidate_users = xml::zeebe(el, "assignmentDefinition")
        .and_then(|a| xml::attr(a, "candidateUsers"))
        .or_else(|| xml::camunda_attr(el, "candidateUsers"));
    if candidate_users.is_some() {
        problems.at(
            el,
            "candidate users are not supported; use candidate groups or an assignee",
        );
    }
    task.form_key = xml::zeebe(el, "formDefinition")
        .and_then(|f| {
            xml::attr(f, "formKey")
                .or_else(|| xml::attr(f, "formId"))
                .or_else(|| xml::attr(f, "externalReference"))
        })
        .or_else(|| xml::camunda_attr(el, "formKey"))
        .or_else(|| xml::camunda_attr(el, "formRef"))
        .map(str::to_owned);
    task
}

/// A FEEL script: `zeebe:script`, or the BPMN `<script>` (format absent or FEEL) with
/// `camunda:resultVariable`. `None` (reported) if there is no usable script.
pub(crate) fn script(el: XNode<'_, '_>, problems: &mut Problems) -> Option<Script> {
    if let Some(s) = xml::zeebe(el, "script") {
        let Some(raw) = xml::attr(s, "expression") else {
            problems.at(el, "zeebe:script has no expression");
            return None;
        };
        let expression = convert(el, problems, "the script", values::feel(raw))?;
        return Some(Script {
            expression,
            result_variable: xml::attr(s, "resultVariable").map(str::to_owned),
        });
    }
    if let Some(format) = xml::attr(el, "scriptFormat")
        && !format.eq_ignore_ascii_case("feel")
    {
        problems.at(
            el,
            format!(
                "script format \"{format}\" is not supported; \
                 use a FEEL script (zeebe:script expression=\"=…\")"
            ),
        );
        return None;
    }
    if xml::camunda_attr(el, "resource").is_some() {
        problems.at(
            el,
            "external script resources (camunda:resource) are not supported; \
             use a FEEL script (zeebe:script expression=\"=…\")",
        );
        return None;
    }
    let body = xml::bpmn_child(el, "script")
        .map(xml::text)
        .unwrap_or_default();
    if body.trim().is_empty() {
        problems.at(
            el,
            "the script task has no script; add zeebe:script expression=\"=…\"",
        );
        return None;
    }
    let expression = convert(el, problems, "the script", values::feel(&body))?;
    Some(Script {
        expression,
        result_variable: xml::camunda_attr(el, "resultVariable").map(str::to_owned),
    })
}

/// A business rule task's decision: `zeebe:calledDecision` or `camunda:decisionRef`.
/// `None` if there is none (not reported: the caller may fall back to a job).
pub(crate) fn decision(el: XNode<'_, '_>, problems: &mut Problems) -> Option<Option<BusinessRule>> {
    let (decision, result) = if let Some(d) = xml::zeebe(el, "calledDecision") {
        (xml::attr(d, "decisionId"), xml::attr(d, "resultVariable"))
    } else if let Some(d) = xml::camunda_attr(el, "decisionRef") {
        (Some(d), xml::camunda_attr(el, "resultVariable"))
    } else {
        return None;
    };
    let Some(decision) = decision else {
        problems.at(el, "zeebe:calledDecision has no decisionId");
        return Some(None);
    };
    let Some(result) = result else {
        problems.at(
            el,
            "the business rule task has no result variable (resultVariable)",
        );
        return Some(None);
    };
    let decision_id = convert(el, problems, "the decision id", values::text(decision));
    Some(decision_id.map(|decision_id| BusinessRule {
        decision_id,
        result_variable: result.to_owned(),
    }))
}

/// The called process of a call activity and whether all child variables propagate back,
/// plus Camunda 7 `camunda:in` / `camunda:out` mappings (appended to `inputs` / `outputs`).
pub(crate) fn called_element(
    el: XNode<'_, '_>,
    problems: &mut Problems,
    inputs: &mut Vec<Mapping>,
    outputs: &mut Vec<Mapping>,
) -> Option<(Text, bool)> {
    if let Some(c) = xml::zeebe(el, "calledElement") {
        if xml::attr(c, "propagateAllParentVariables") == Some("false") {
            problems.at(
                el,
                "propagateAllParentVariables=\"false\" is not supported; \
                 the called process receives all variables",
            );
        }
        let propagate = xml::attr(c, "propagateAllChildVariables") != Some("false");
        return match xml::attr(c, "processId") {
            Some(id) => convert(el, problems, "the called process id", values::text(id))
                .map(|t| (t, propagate)),
            None => {
                problems.at(el, "zeebe:calledElement has no processId");
                None
            }
        };
    }
    // Camunda 7: without camunda:out nothing would come back; we keep the Zeebe default
    // (everything propagates) unless explicit camunda:out mappings are given without
    // camunda:out variables="all".
    let mut out_mappings = false;
    let mut out_all = false;
    for ext in xml::extensions(el) {
        let is_in = xml::is_camunda(ext, "in");
        if !is_in && !xml::is_camunda(ext, "out") {
            continue;
        }
        if ext.attribute("businessKey").is_some() {
            continue;
        }
        if xml::attr(ext, "variables") == Some("all") {
            out_all |= !is_in;
            continue;
        }
        out_mappings |= !is_in;
        let kind = if is_in { "camunda:in" } else { "camunda:out" };
        let Some(target) = target(el, problems, kind, ext.attribute("target")) else {
            continue;
        };
        let source = if let Some(var) = xml::attr(ext, "source") {
            Some(crate::model::Expr(var.to_owned()))
        } else if let Some(e) = xml::attr(ext, "sourceExpression") {
            convert(el, problems, "a camunda:in/out expression", values::expr(e))
        } else {
            problems.at(el, format!("{kind} \"{target}\" has no source"));
            None
        };
        if let Some(source) = source {
            let list = if is_in { &mut *inputs } else { &mut *outputs };
            list.push(Mapping { source, target });
        }
    }
    let propagate = out_all || !out_mappings;
    match xml::attr(el, "calledElement") {
        Some(id) => {
            let id = if id.starts_with('=') || crate::juel::is_template(id) {
                id
            } else {
                xml::local_ref(id)
            };
            convert(el, problems, "the called element", values::text(id)).map(|t| (t, propagate))
        }
        None => {
            problems.at(
                el,
                "the call activity names no process \
                 (zeebe:calledElement processId or calledElement)",
            );
            None
        }
    }
}

/// Unwraps a conversion result, reporting the error against `el`.
pub(crate) fn convert<T>(
    el: XNode<'_, '_>,
    problems: &mut Problems,
    what: &str,
    result: Result<T, String>,
) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            problems.at(el, format!("{what} cannot be translated to FEEL: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{
        BusinessRule, Expr, JobTask, Looping, Mapping, NodeKind, Script, Text, UserTask,
    };
    use crate::test_support::{assert_problem, doc, problems, process, with_start};

    fn lit(s: &str) -> Text {
        Text::Literal(s.into())
    }

    fn feel(s: &str) -> Text {
        Text::Feel(Expr(s.into()))
    }

    fn map(source: &str, target: &str) -> Mapping {
        Mapping {
            source: Expr(source.into()),
            target: target.into(),
        }
    }

    /// Parses `task` (id `t`) after a start event and returns the node.
    fn node(task: &str) -> crate::model::Node {
        let mut p = process(&doc("", &with_start("t", task)));
        let idx = p.node_by_id("t").expect("t");
        p.nodes.swap_remove(idx)
    }

    #[test]
    fn zeebe_job() {
        let n = node(
            r#"<bpmn:serviceTask id="t"><bpmn:extensionElements>
              <zeebe:taskDefinition type="=&quot;mail-&quot; + kind" retries="5"/>
              <zeebe:taskHeaders><zeebe:header key="a" value="1"/><zeebe:header key="b"/></zeebe:taskHeaders>
            </bpmn:extensionElements></bpmn:serviceTask>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::ServiceTask(JobTask {
                job_type: feel("\"mail-\" + kind"),
                retries: Some(lit("5")),
                headers: vec![("a".into(), "1".into()), ("b".into(), String::new())],
            })
        );
    }

    #[test]
    fn camunda_external_task_and_zeebe_precedence() {
        let n = node(r#"<bpmn:sendTask id="t" camunda:type="external" camunda:topic="mail"/>"#);
        assert_eq!(
            n.kind,
            NodeKind::ServiceTask(JobTask {
                job_type: lit("mail"),
                retries: None,
                headers: vec![],
            })
        );
        let n = node(
            r#"<bpmn:serviceTask id="t" camunda:class="a.B"><bpmn:extensionElements>
              <zeebe:taskDefinition type="z"/></bpmn:extensionElements></bpmn:serviceTask>"#,
        );
        assert!(matches!(n.kind, NodeKind::ServiceTask(j) if j.job_type == lit("z")));
        let ps = problems(&doc(
            "",
            &with_start(
                "t",
                r#"<bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition/></bpmn:extensionElements></bpmn:serviceTask>"#,
            ),
        ));
        assert_problem(&ps, "serviceTask", "t", "zeebe:taskDefinition has no type");
    }

    #[test]
    fn user_task_zeebe() {
        let n = node(
            r#"<bpmn:userTask id="t"><bpmn:extensionElements>
              <zeebe:assignmentDefinition assignee="=initiator" candidateGroups="clerks, managers"/>
              <zeebe:formDefinition formKey="camunda-forms:bpmn:form_1"/>
              <zeebe:taskSchedule dueDate="=now() + duration(&quot;P1D&quot;)"/>
            </bpmn:extensionElements></bpmn:userTask>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::UserTask(UserTask {
                assignee: Some(feel("initiator")),
                candidate_groups: Some(lit("clerks, managers")),
                form_key: Some("camunda-forms:bpmn:form_1".into()),
                due_date: Some(feel("now() + duration(\"P1D\")")),
            })
        );
    }

    #[test]
    fn user_task_camunda() {
        let n = node(
            r#"<bpmn:userTask id="t" camunda:assignee="${approver}" camunda:candidateGroups="accounting"
                 camunda:formKey="embedded:app:forms/a.html" camunda:dueDate="2030-01-01T00:00:00"/>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::UserTask(UserTask {
                assignee: Some(feel("approver")),
                candidate_groups: Some(lit("accounting")),
                form_key: Some("embedded:app:forms/a.html".into()),
                due_date: Some(lit("2030-01-01T00:00:00")),
            })
        );
        let ps = problems(&doc(
            "",
            &with_start(
                "t",
                r#"<bpmn:userTask id="t" camunda:candidateUsers="kermit"/>"#,
            ),
        ));
        assert_problem(&ps, "userTask", "t", "candidate users are not supported");
    }

    #[test]
    fn io_mappings_zeebe() {
        let n = node(
            r#"<bpmn:task id="t"><bpmn:extensionElements><zeebe:ioMapping>
              <zeebe:input source="= order.total" target="total"/>
              <zeebe:input source="static text" target="note"/>
              <zeebe:output source="=result" target="outcome"/>
            </zeebe:ioMapping></bpmn:extensionElements></bpmn:task>"#,
        );
        assert_eq!(
            n.inputs,
            [map("order.total", "total"), map("\"static text\"", "note")]
        );
        assert_eq!(n.outputs, [map("result", "outcome")]);
        let ps = problems(&doc(
            "",
            &with_start(
                "t",
                r#"<bpmn:task id="t"><bpmn:extensionElements><zeebe:ioMapping>
              <zeebe:input source="=a" target="x.y"/><zeebe:output source="" target="z"/>
            </zeebe:ioMapping></bpmn:extensionElements></bpmn:task>"#,
            ),
        ));
        assert_problem(&ps, "task", "t", "\"x.y\" is a dotted path");
        assert_problem(&ps, "task", "t", "\"z\" has no source");
    }

    #[test]
    fn io_mappings_camunda() {
        let n = node(
            r#"<bpmn:task id="t"><bpmn:extensionElements><camunda:inputOutput>
              <camunda:inputParameter name="amount">${order.amount * 2}</camunda:inputParameter>
              <camunda:inputParameter name="greeting">Hello ${name}</camunda:inputParameter>
              <camunda:inputParameter name="fixed">plain</camunda:inputParameter>
              <camunda:inputParameter name="nothing"/>
              <camunda:inputParameter name="list"><camunda:list><camunda:value>a</camunda:value><camunda:value>${b}</camunda:value></camunda:list></camunda:inputParameter>
              <camunda:inputParameter name="map"><camunda:map><camunda:entry key="k">v</camunda:entry></camunda:map></camunda:inputParameter>
              <camunda:outputParameter name="out">${result}</camunda:outputParameter>
            </camunda:inputOutput></bpmn:extensionElements></bpmn:task>"#,
        );
        assert_eq!(
            n.inputs,
            [
                map("order.amount * 2", "amount"),
                map("\"Hello \" + string(name)", "greeting"),
                map("\"plain\"", "fixed"),
                map("null", "nothing"),
                map("[\"a\", b]", "list"),
                map("{\"k\": \"v\"}", "map"),
            ]
        );
        assert_eq!(n.outputs, [map("result", "out")]);
        let ps = problems(&doc(
            "",
            &with_start(
                "t",
                r#"<bpmn:task id="t"><bpmn:extensionElements><camunda:inputOutput>
              <camunda:inputParameter name="s"><camunda:script scriptFormat="groovy">1</camunda:script></camunda:inputParameter>
            </camunda:inputOutput></bpmn:extensionElements></bpmn:task>"#,
            ),
        ));
        assert_problem(&ps, "task", "t", "script parameters are not supported");
    }

    #[test]
    fn scripts() {
        let n = node(
            r#"<bpmn:scriptTask id="t"><bpmn:extensionElements>
              <zeebe:script expression="=a + b" resultVariable="sum"/></bpmn:extensionElements></bpmn:scriptTask>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::ScriptTask(Script {
                expression: Expr("a + b".into()),
                result_variable: Some("sum".into()),
            })
        );
        // Absent scriptFormat: the script text is FEEL.
        let n = node(
            r#"<bpmn:scriptTask id="t"><bpmn:script>SCRIPT_task1</bpmn:script></bpmn:scriptTask>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::ScriptTask(Script {
                expression: Expr("SCRIPT_task1".into()),
                result_variable: None,
            })
        );
        // A Zeebe job-worker script task.
        let n = node(
            r#"<bpmn:scriptTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="js"/></bpmn:extensionElements></bpmn:scriptTask>"#,
        );
        assert!(matches!(n.kind, NodeKind::ServiceTask(_)));
    }

    #[test]
    fn decisions() {
        let n = node(
            r#"<bpmn:businessRuleTask id="t"><bpmn:extensionElements>
              <zeebe:calledDecision decisionId="risk" resultVariable="risk"/></bpmn:extensionElements></bpmn:businessRuleTask>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::BusinessRuleTask(BusinessRule {
                decision_id: lit("risk"),
                result_variable: "risk".into(),
            })
        );
        let n = node(
            r#"<bpmn:businessRuleTask id="t" camunda:decisionRef="${which}" camunda:resultVariable="r"/>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::BusinessRuleTask(BusinessRule {
                decision_id: feel("which"),
                result_variable: "r".into(),
            })
        );
    }

    #[test]
    fn call_activities() {
        let n = node(
            r#"<bpmn:callActivity id="t" calledElement="ignored"><bpmn:extensionElements>
              <zeebe:calledElement processId="=child" propagateAllChildVariables="false"/></bpmn:extensionElements></bpmn:callActivity>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::CallActivity {
                process_id: feel("child"),
                propagate_all_child_variables: false
            }
        );
        let n = node(r#"<bpmn:callActivity id="t" calledElement="child"/>"#);
        assert_eq!(
            n.kind,
            NodeKind::CallActivity {
                process_id: lit("child"),
                propagate_all_child_variables: true
            }
        );
        let n = node(
            r#"<bpmn:callActivity id="t" calledElement="child"><bpmn:extensionElements>
              <camunda:in source="a" target="b"/><camunda:in sourceExpression="${x + 1}" target="y"/>
              <camunda:in variables="all"/><camunda:in businessKey="${key}"/>
              <camunda:out source="r" target="result"/>
            </bpmn:extensionElements></bpmn:callActivity>"#,
        );
        assert_eq!(
            n.kind,
            NodeKind::CallActivity {
                process_id: lit("child"),
                propagate_all_child_variables: false
            }
        );
        assert_eq!(n.inputs, [map("a", "b"), map("x + 1", "y")]);
        assert_eq!(n.outputs, [map("r", "result")]);
        let ps = problems(&doc("", &with_start("t", r#"<bpmn:callActivity id="t"/>"#)));
        assert_problem(&ps, "callActivity", "t", "names no process");
    }

    #[test]
    fn multi_instance_flavours() {
        let n = node(
            r#"<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics isSequential="true">
              <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item"
                outputCollection="results" outputElement="=item.done"/></bpmn:extensionElements>
              <bpmn:completionCondition>=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>
            </bpmn:multiInstanceLoopCharacteristics></bpmn:task>"#,
        );
        let Some(Looping::MultiInstance(mi)) = n.looping else {
            panic!("{:?}", n.looping);
        };
        assert!(mi.sequential);
        assert_eq!(mi.input_collection, Some(Expr("items".into())));
        assert_eq!(mi.input_element.as_deref(), Some("item"));
        assert_eq!(mi.output_collection.as_deref(), Some("results"));
        assert_eq!(mi.output_element, Some(Expr("item.done".into())));
        assert_eq!(
            mi.completion_condition,
            Some(Expr("numberOfCompletedInstances >= 2".into()))
        );
        let n = node(
            r#"<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics camunda:collection="${list}" camunda:elementVariable="x">
              <bpmn:loopCardinality>${n}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>"#,
        );
        let Some(Looping::MultiInstance(mi)) = n.looping else {
            panic!("{:?}", n.looping);
        };
        assert!(!mi.sequential);
        assert_eq!(mi.input_collection, Some(Expr("list".into())));
        assert_eq!(mi.input_element.as_deref(), Some("x"));
        assert_eq!(mi.cardinality, Some(Expr("n".into())));
    }

    #[test]
    fn listeners_are_rejected() {
        let ps = problems(&doc(
            "",
            &with_start(
                "t",
                r#"<bpmn:task id="t"><bpmn:extensionElements>
                  <camunda:executionListener class="a.B" event="start"/>
                  <zeebe:executionListeners/></bpmn:extensionElements></bpmn:task>"#,
            ),
        ));
        assert_problem(&ps, "task", "t", "camunda:executionListener");
        assert_problem(&ps, "task", "t", "zeebe:executionListeners");
    }
}
