import type { PlaceMode, QualificationStatus } from '../../../shared/domain/enums';
import type { PlaceRatioStatus } from '../../../shared/ratio';
import { t } from '../i18n';

export function QualificationBadge(props: { status: QualificationStatus }) {
  return <span class={`badge qualification-${props.status}`}>{t(`qualification.${props.status}`)}</span>;
}

export function RatioBadge(props: { status: PlaceRatioStatus }) {
  return <span class={`badge ratio-${props.status}`}>{t(`ratio.${props.status}`)}</span>;
}

export function ModeBadge(props: { mode: PlaceMode }) {
  return <span class="badge mode">{t(`mode.${props.mode}`)}</span>;
}
