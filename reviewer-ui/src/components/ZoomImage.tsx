// A thumbnail that opens a zoomable, pannable view (buttons, wheel, keyboard: + - arrows Escape).
import { useEffect, useRef, useState, type KeyboardEvent, type WheelEvent } from 'react';
import { useI18n } from '../i18n';

/** `onOpen`: called each time the enlarged view opens (the case page records it: the reviewer looked). */
export function ZoomImage({ src, alt, onOpen }: { src: string; alt: string; onOpen?: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [scale, setScale] = useState(1);
  const [pos, setPos] = useState({ x: 0, y: 0 });
  const [failed, setFailed] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) dialogRef.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    setScale(1);
    setPos({ x: 0, y: 0 });
    openerRef.current?.focus();
  };
  const zoom = (f: number) => setScale((s) => Math.min(8, Math.max(1, s * f)));
  const onKey = (e: KeyboardEvent) => {
    const step = 40;
    const k = e.key;
    if (k === 'Escape') close();
    else if (k === '+' || k === '=') zoom(1.25);
    else if (k === '-') zoom(0.8);
    else if (k === 'ArrowLeft') setPos((p) => ({ ...p, x: p.x + step }));
    else if (k === 'ArrowRight') setPos((p) => ({ ...p, x: p.x - step }));
    else if (k === 'ArrowUp') setPos((p) => ({ ...p, y: p.y + step }));
    else if (k === 'ArrowDown') setPos((p) => ({ ...p, y: p.y - step }));
    else return;
    e.preventDefault();
  };
  const onWheel = (e: WheelEvent) => zoom(e.deltaY < 0 ? 1.15 : 0.87);
  if (failed) return <div className="thumb missing">{t('case.noFrame')}</div>;
  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className="thumb-button"
        onClick={() => {
          setOpen(true);
          onOpen?.();
        }}
        aria-label={t('case.zoom', { what: alt })}
      >
        <img className="thumb" src={src} alt={alt} onError={() => setFailed(true)} />
      </button>
      {open && (
        <div
          className="zoom-overlay"
          role="dialog"
          aria-modal="true"
          aria-label={alt}
          tabIndex={-1}
          ref={dialogRef}
          onKeyDown={onKey}
        >
          <div className="zoom-toolbar">
            <button type="button" onClick={() => zoom(1.25)} aria-label={t('case.zoomIn')}>
              +
            </button>
            <button type="button" onClick={() => zoom(0.8)} aria-label={t('case.zoomOut')}>
              −
            </button>
            <span className="zoom-help">{t('case.zoomHelp')}</span>
            <button type="button" onClick={close}>
              {t('common.close')}
            </button>
          </div>
          <div className="zoom-stage" onWheel={onWheel}>
            <img
              src={src}
              alt={alt}
              style={{ transform: `translate(${pos.x}px, ${pos.y}px) scale(${scale})` }}
            />
          </div>
        </div>
      )}
    </>
  );
}
