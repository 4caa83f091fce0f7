//! Snapshot tests (insta) of the parsed model of two small models, one per Camunda flavour.
//!
//! `node_index` is a `HashMap` (random iteration order): it is checked against `nodes` and
//! then cleared before the snapshot.

use crate::model::Definitions;

fn parsed(xml: &str) -> Definitions {
    let mut defs = crate::parse(xml).unwrap_or_else(|e| panic!("{e}"));
    for p in &mut defs.processes {
        assert_eq!(p.node_index.len(), p.nodes.len());
        for (i, n) in p.nodes.iter().enumerate() {
            assert_eq!(p.node_index.get(&n.id), Some(&i));
        }
        p.node_index.clear();
    }
    defs
}

const CAMUNDA_8: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="Definitions_c8" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="ansokan" name="Ansökan om bistånd" isExecutable="true">
    <bpmn:startEvent id="start" name="Ansökan inkommen">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=string(now())" target="receivedAt"/></zeebe:ioMapping></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:businessRuleTask id="check" name="Bedöm">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="bedomning" resultVariable="beslut"/></bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="Beviljas?" default="f_no"/>
    <bpmn:sequenceFlow id="f_yes" name="ja" sourceRef="gw" targetRef="handlaggare">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=beslut.beviljas = true</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" name="nej" sourceRef="gw" targetRef="notify"/>
    <bpmn:userTask id="handlaggare" name="Handlägg">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="socialsekreterare"/>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:handlagg"/>
        <zeebe:ioMapping><zeebe:input source="=beslut.motivering" target="motivering"/></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="reminder" attachedToRef="handlaggare" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_rem" sourceRef="reminder" targetRef="remind_end"/>
    <bpmn:endEvent id="remind_end">
      <bpmn:extensionElements><zeebe:taskDefinition type="paminnelse"/></bpmn:extensionElements>
      <bpmn:messageEventDefinition/>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="handlaggare" targetRef="docs"/>
    <bpmn:callActivity id="docs" name="Begär underlag">
      <bpmn:extensionElements><zeebe:calledElement processId="underlag" propagateAllChildVariables="false"/></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=dokument" inputElement="dokument"/></bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f4" sourceRef="docs" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Svar">
      <bpmn:messageEventDefinition messageRef="msg_svar"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="Meddela">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="meddela" retries="3"/>
        <zeebe:taskHeaders><zeebe:header key="kanal" value="brev"/></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f6" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="cancel" triggeredByEvent="true">
      <bpmn:startEvent id="cancel_start" isInterrupting="true">
        <bpmn:messageEventDefinition messageRef="msg_aterkalla"/>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="c1" sourceRef="cancel_start" targetRef="cancel_script"/>
      <bpmn:scriptTask id="cancel_script">
        <bpmn:extensionElements><zeebe:script expression="=&quot;återkallad&quot;" resultVariable="status"/></bpmn:extensionElements>
      </bpmn:scriptTask>
      <bpmn:sequenceFlow id="c2" sourceRef="cancel_script" targetRef="cancel_end"/>
      <bpmn:endEvent id="cancel_end"><bpmn:terminateEventDefinition/></bpmn:endEvent>
    </bpmn:subProcess>
  </bpmn:process>
  <bpmn:message id="msg_svar" name="svar">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=arende"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:message id="msg_aterkalla" name="aterkalla">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=arende"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmndi:BPMNDiagram id="dia">
    <bpmndi:BPMNPlane id="plane" bpmnElement="ansokan">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="152" y="102" width="36" height="36"/>
        <bpmndi:BPMNLabel><dc:Bounds x="128" y="145" width="85" height="27"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="cancel_di" bpmnElement="cancel" isExpanded="true"><dc:Bounds x="200" y="300" width="350" height="200"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="188" y="120"/><di:waypoint x="240" y="120"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"#;

const CAMUNDA_7: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_c7">
  <bpmn:process id="utbetalning" isExecutable="true" camunda:historyTimeToLive="180">
    <bpmn:startEvent id="start" camunda:formKey="embedded:app:start.html"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:scriptTask id="prepare" scriptFormat="feel" camunda:resultVariable="antal">
      <bpmn:script>count(mottagare)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="approve"/>
    <bpmn:userTask id="approve" camunda:assignee="${chef}" camunda:candidateGroups="ekonomi" camunda:formKey="embedded:app:approve.html">
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="belopp">${summa * 1.25}</camunda:inputParameter>
          <camunda:outputParameter name="godkand">${approved}</camunda:outputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="gw"/>
    <bpmn:inclusiveGateway id="gw"/>
    <bpmn:sequenceFlow id="f_pay" sourceRef="gw" targetRef="pay">
      <bpmn:conditionExpression>${godkand &amp;&amp; !empty mottagare}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_log" sourceRef="gw" targetRef="log">
      <bpmn:conditionExpression>${kommentar.contains('brådskande') || prioritet eq 'hög'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:serviceTask id="pay" camunda:type="external" camunda:topic="utbetalning">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:collection="${mottagare}" camunda:elementVariable="mottagare_i">
        <bpmn:completionCondition>${nrOfCompletedInstances == antal}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:businessRuleTask id="log" camunda:decisionRef="loggning" camunda:resultVariable="loggnivå">
      <bpmn:standardLoopCharacteristics testBefore="true" loopMaximum="5">
        <bpmn:loopCondition>${försök lt 3}</bpmn:loopCondition>
      </bpmn:standardLoopCharacteristics>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f4" sourceRef="pay" targetRef="join"/>
    <bpmn:sequenceFlow id="f5" sourceRef="log" targetRef="join"/>
    <bpmn:inclusiveGateway id="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="archive"/>
    <bpmn:callActivity id="archive" calledElement="arkivera">
      <bpmn:extensionElements>
        <camunda:in source="arende" target="arende"/>
        <camunda:out variables="all"/>
      </bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:boundaryEvent id="deadline" attachedToRef="archive">
      <bpmn:timerEventDefinition><bpmn:timeDate>${forfallodag}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f7" sourceRef="deadline" targetRef="escalate"/>
    <bpmn:endEvent id="escalate"><bpmn:escalationEventDefinition escalationRef="esc_sen"/></bpmn:endEvent>
    <bpmn:sequenceFlow id="f8" sourceRef="archive" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:signalEventDefinition signalRef="sig_klar"/></bpmn:endEvent>
  </bpmn:process>
  <bpmn:escalation id="esc_sen" name="Sen" escalationCode="SEN"/>
  <bpmn:signal id="sig_klar" name="utbetalning-klar"/>
</bpmn:definitions>"#;

#[test]
fn camunda_8_flavour() {
    insta::assert_debug_snapshot!(parsed(CAMUNDA_8));
}

#[test]
fn camunda_7_flavour() {
    insta::assert_debug_snapshot!(parsed(CAMUNDA_7));
}
