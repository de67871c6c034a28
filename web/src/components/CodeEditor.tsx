// A CodeMirror 6 editor for main.js (JavaScript) or a schema (JSON): line numbers, syntax
// highlighting, undo history, bracket matching. Uncontrolled: the initial text is read once and
// each change is reported through onChange, so typing never re-creates the editor.
import { useEffect, useRef, type ReactNode } from 'react';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';

// Colours from the stylesheet's variables, so light and dark both keep WCAG AA contrast (the
// default highlight style is made for light backgrounds only).
const highlight = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword],
    color: 'var(--accent)',
    fontWeight: '600',
  },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--warn)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.propertyName], color: 'var(--info)' },
  { tag: tags.invalid, color: 'var(--bad)' },
]);

export interface CodeEditorProps {
  initial: string;
  language: 'javascript' | 'json';
  /** The accessible name of the editing area (there is no visible <label> for a contenteditable). */
  label: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
}

export function CodeEditor({ initial, language, label, onChange, readOnly }: CodeEditorProps): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(highlight),
          // Tab indents inside the editor; Escape then Tab leaves it (CodeMirror's documented way out).
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          language === 'javascript' ? javascript() : json(),
          EditorState.readOnly.of(readOnly ?? false),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.destroy();
    // Created once per mount; the parent re-mounts it (key) to load other text.
  }, []);
  return <div className="code-editor" ref={host} />;
}
