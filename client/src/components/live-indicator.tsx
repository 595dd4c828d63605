import { t } from '../i18n';
import { connected } from '../realtime';

/** Tells whether live updates are flowing: figures on screen may be stale while offline. */
export function LiveIndicator() {
  return (
    <span class="live-indicator" classList={{ online: connected() }} role="status" aria-label={t('live.label')} data-testid="live-indicator">
      <span class="dot" aria-hidden="true" />
      {connected() ? t('live.connected') : t('live.disconnected')}
    </span>
  );
}
