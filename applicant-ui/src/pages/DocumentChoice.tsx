// Document choice: only the types the service accepts; the choice decides which sides are photographed.
import { useState } from 'react';
import { useI18n } from '../i18n';
import { Layout } from '../components/Layout';
import type { DocId, Session } from '../domains/session';

export function DocumentChoice(props: {
  documents: Session['documents'];
  onChoose(id: DocId): void;
  onBack(): void;
}) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<DocId | undefined>(
    props.documents.length === 1 ? props.documents[0]!.id : undefined,
  );
  return (
    <Layout title={t('doc.title')} step={[1, 4]}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (choice) props.onChoose(choice);
        }}
      >
        <fieldset className="choices">
          <legend>{t('doc.legend')}</legend>
          {props.documents.map((d) => (
            <label key={d.id} className={`choice${choice === d.id ? ' selected' : ''}`}>
              <input
                type="radio"
                name="doc"
                value={d.id}
                checked={choice === d.id}
                onChange={() => setChoice(d.id)}
              />
              <span className="choice-text">
                <span className="choice-title">{t(`doc.${d.id}`)}</span>
                <span className="choice-hint">
                  {d.sides.length === 2 ? t('doc.twoSides') : t('doc.oneSide')}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={!choice}>
            {t('common.continue')}
          </button>
          <button type="button" className="link" onClick={props.onBack}>
            {t('common.back')}
          </button>
        </div>
      </form>
    </Layout>
  );
}
